import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import type { ReferenceUpload } from '../api/api-client.js';
import { parseTags, parseThreshold, tagsAndThresholdProblem, textField } from '../reference-fields.js';
import { controlStyles } from '../styles/shared-styles.js';

export { parseTags } from '../reference-fields.js';

/** Where the last upload stands, as the page that sends it tells the form. */
export type UploadState =
  | { readonly status: 'idle' }
  | { readonly status: 'busy' }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'added'; readonly reference: number };

/** The operator asked to add a custom expression. */
export class ReferenceSubmitEvent extends Event {
  static readonly eventName = 'reference-submit';
  constructor(readonly upload: ReferenceUpload) {
    super(ReferenceSubmitEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * A new custom expression: a picture of one face (chosen or dropped), its tags and, optionally,
 * its own distance threshold and a photo of the same person at rest (the face is then read
 * against it rather than against people's resting face in general). Clears itself once the page
 * reports the upload added.
 *
 * @fires reference-submit - the form is complete and was submitted (ReferenceSubmitEvent)
 */
@customElement('mien-reference-form')
export class MienReferenceForm extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
      }
      form {
        display: grid;
        grid-template-columns: minmax(10rem, 16rem) 1fr;
        gap: var(--mien-gap);
        align-items: stretch;
      }
      @media (max-width: 40rem) {
        form {
          grid-template-columns: 1fr;
        }
      }
      .drop {
        position: relative;
        display: grid;
        place-items: center;
        text-align: center;
        gap: 0.4rem;
        min-height: 11rem;
        padding: 0.8rem;
        border: 2px dashed var(--mien-border);
        border-radius: var(--mien-radius);
        background: var(--mien-bg);
        cursor: pointer;
        color: var(--mien-muted);
        overflow: hidden;
      }
      .drop:focus-within {
        outline: 2px solid var(--mien-accent);
        outline-offset: 2px;
      }
      .drop.dragging {
        border-color: var(--mien-accent);
        background: color-mix(in srgb, var(--mien-accent) 10%, var(--mien-bg));
      }
      .drop img {
        max-width: 100%;
        max-height: 9rem;
        border-radius: calc(var(--mien-radius) * 0.6);
      }
      .drop .icon {
        font-size: 2.6rem;
        line-height: 1;
      }
      .drop u {
        color: var(--mien-accent);
      }
      .fields {
        display: grid;
        gap: 0.7rem;
        align-content: start;
      }
      .field {
        display: grid;
        gap: 0.25rem;
      }
      .field span {
        font-weight: 600;
        font-size: 0.9em;
      }
      .field small {
        color: var(--mien-muted);
      }
      .field input[type='file']::file-selector-button {
        font: inherit;
        color: inherit;
        border: 1px solid var(--mien-border);
        border-radius: calc(var(--mien-radius) * 0.7);
        background: var(--mien-surface-raised);
        padding: 0.35rem 0.8rem;
        margin-right: 0.6rem;
        cursor: pointer;
      }
      .actions {
        display: flex;
        gap: 0.6rem;
        align-items: center;
        flex-wrap: wrap;
      }
      .problem {
        color: var(--mien-bad);
        margin: 0;
      }
    `,
  ];

  /** The state of the last upload, set by whoever sends it. */
  @property({ attribute: false }) upload: UploadState = { status: 'idle' };

  @state() private picture: File | undefined;
  @state() private pictureUrl: string | undefined;
  @state() private restPhoto: File | undefined;
  @state() private dragging = false;
  @state() private problem: string | undefined;
  // Null until the first render.
  @query('form') private form!: HTMLFormElement | null;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('upload') && this.upload.status === 'added') this.clear();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.choose(undefined);
  }

  override render() {
    const busy = this.upload.status === 'busy';
    const problem = this.problem ?? (this.upload.status === 'failed' ? this.upload.message : undefined);
    return html`<form @submit=${this.submit} novalidate>
      <label
        class=${classMap({ drop: true, dragging: this.dragging })}
        @dragover=${this.dragOver}
        @dragleave=${() => (this.dragging = false)}
        @drop=${this.drop}
      >
        <input class="visually-hidden" type="file" name="picture" accept="image/*" @change=${this.picked} />
        ${this.pictureUrl ? html`<img src=${this.pictureUrl} alt="The chosen picture" />` : html`<span class="icon" aria-hidden="true">☺</span>`}
        <span>${this.picture ? this.picture.name : html`Drop a picture of one face here, or <u>choose a file</u>`}</span>
      </label>
      <div class="fields">
        <label class="field">
          <span>Tags</span>
          <input type="text" name="tags" placeholder="smile, grin" autocomplete="off" required />
          <small>Comma-separated; a person's timeline shows these while their expression matches the face.</small>
        </label>
        <label class="field">
          <span>Threshold</span>
          <input type="number" name="threshold" min="0.01" max="2" step="0.01" placeholder="server default" />
          <small>Optional distance in (0, 2]: lower is stricter.</small>
        </label>
        <label class="field">
          <span>A photo of the same person at rest (optional)</span>
          <input type="file" name="rest" accept="image/*" @change=${this.pickedRest} />
          <small>Their face then counts against their own resting face rather than people's in general.</small>
        </label>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${busy}>${busy ? 'Finding the face…' : 'Add expression'}</button>
          ${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
        </div>
      </div>
    </form>`;
  }

  private picked(event: Event) {
    this.choose((event.target as HTMLInputElement).files?.[0]);
  }

  private pickedRest(event: Event) {
    this.restPhoto = (event.target as HTMLInputElement).files?.[0];
  }

  private dragOver(event: DragEvent) {
    event.preventDefault();
    this.dragging = true;
  }

  private drop(event: DragEvent) {
    event.preventDefault();
    this.dragging = false;
    const file = event.dataTransfer?.files[0];
    if (file) this.choose(file);
  }

  private choose(file: File | undefined) {
    if (this.pictureUrl) URL.revokeObjectURL(this.pictureUrl);
    this.picture = file;
    this.pictureUrl = file ? URL.createObjectURL(file) : undefined;
    this.problem = undefined;
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(this.form!); // the submit event came from it
    const tags = parseTags(textField(data, 'tags'));
    const threshold = parseThreshold(textField(data, 'threshold'));
    this.problem = !this.picture ? 'Choose or drop a picture of a face first.' : tagsAndThresholdProblem(tags, threshold);
    if (this.problem || !this.picture) return;
    this.dispatchEvent(
      new ReferenceSubmitEvent({ picture: this.picture, tags, ...(threshold !== undefined && { threshold }), ...(this.restPhoto && { rest: this.restPhoto }) }),
    );
  }

  private clear() {
    this.form?.reset();
    this.choose(undefined);
    this.restPhoto = undefined;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-reference-form': MienReferenceForm;
  }
  interface HTMLElementEventMap {
    'reference-submit': ReferenceSubmitEvent;
  }
}
