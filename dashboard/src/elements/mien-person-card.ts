import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { ReferenceFields } from '../api/api-client.js';
import type { Identity, Reference } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import { duration, personLabel, timeAgo } from '../format.js';
import { parseTags, parseThreshold, tagsAndThresholdProblem, textField } from '../reference-fields.js';
import type { TimelineRow } from '../state/tag-timelines.js';
import { cardStyles, controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';
import { apiPicture } from './api-picture.js';
import './mien-appearance-chart.js';
import './mien-tag-timeline.js';

/** The operator named a person, or cleared the name (`name` null). */
export class IdentityRenameEvent extends Event {
  static readonly eventName = 'identity-rename';
  constructor(
    readonly identity: number,
    readonly name: string | null,
  ) {
    super(IdentityRenameEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The operator asked for a person's latest face on screen as a custom expression. */
export class FaceReferenceEvent extends Event {
  static readonly eventName = 'face-reference';
  constructor(
    readonly identity: number,
    readonly fields: ReferenceFields,
  ) {
    super(FaceReferenceEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Where the last request to use a person's face as a custom expression stands, as the page that sends it tells the card. */
export type FaceReferenceState =
  | { readonly status: 'idle' }
  | { readonly status: 'busy' }
  | { readonly status: 'failed'; readonly message: string }
  | { readonly status: 'added'; readonly reference: Reference };

/** Seen this recently (server time), a person counts as on screen. */
const ON_SCREEN_WITHIN_MS = 5_000;

/**
 * A person: thumbnail, editable name, faces seen, the tags holding now, a timeline of tag segments
 * per stream, the share of faces each tag held on, and a form to use their face on screen as a
 * custom expression (its request's state comes back in `faceReference`).
 *
 * @fires identity-rename - the operator saved a new name (IdentityRenameEvent)
 * @fires face-reference - the operator asked for this person's latest face as a custom expression (FaceReferenceEvent)
 */
@customElement('mien-person-card')
export class MienPersonCard extends LitElement {
  static override styles = [
    controlStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .card {
        height: 100%;
      }
      header {
        display: grid;
        grid-template-columns: 4.5rem 1fr;
        gap: 0.9rem;
        padding: 1rem 1rem 0.6rem;
        align-items: center;
      }
      .thumb {
        width: 4.5rem;
        height: 4.5rem;
        border-radius: 50%;
        object-fit: cover;
        background: var(--mien-surface-raised);
        border: 2px solid var(--mien-border);
        display: grid;
        place-items: center;
        font-size: 1.5rem;
        color: var(--mien-muted);
      }
      .thumb.on-screen {
        border-color: var(--mien-ok);
      }
      strong.on-screen {
        color: var(--mien-ok);
      }
      h3 {
        margin: 0;
        font-size: 1.15rem;
        display: flex;
        align-items: center;
        gap: 0.4rem;
        min-width: 0;
      }
      h3 span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      form {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
      form input {
        flex: 1 1 8rem;
        min-width: 0;
      }
      .facts {
        font-size: 0.85em;
        margin: 0.15rem 0 0.35rem;
      }
      .current {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        min-height: 1.5rem;
      }
      .chip.live::before {
        content: '';
        width: 0.45em;
        height: 0.45em;
        border-radius: 50%;
        background: var(--tag-colour);
      }
      section {
        padding: 0.5rem 1rem 0.8rem;
        border-top: 1px solid var(--mien-border);
      }
      .use-face form {
        display: grid;
        grid-template-columns: 1fr minmax(5rem, 7rem);
        gap: 0.5rem;
        margin-top: 0.5rem;
      }
      .use-face .field {
        display: grid;
        gap: 0.2rem;
        font-size: 0.85em;
      }
      .use-face .field span {
        font-weight: 600;
      }
      .use-face .field input {
        min-width: 0;
      }
      .use-face .hint,
      .use-face .actions {
        grid-column: 1 / -1;
        margin: 0;
        font-size: 0.8em;
      }
      .use-face .actions {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
        font-size: inherit;
      }
      .use-face .problem {
        grid-column: 1 / -1;
        margin: 0;
        color: var(--mien-bad);
      }
      .use-face .added {
        margin: 0.4rem 0 0;
        font-size: 0.9em;
      }
      .use-face a {
        color: var(--mien-accent);
      }
      h4 {
        margin: 0 0 0.45rem;
        font-size: 0.75rem;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--mien-muted);
      }
    `,
  ];

  @property({ attribute: false }) identity!: Identity;
  /** Where the thumbnail comes from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** Their tag segments, a row per stream. */
  @property({ attribute: false }) rows: readonly TimelineRow[] = [];
  /** Tags holding for them now. */
  @property({ attribute: false }) currentTags: readonly string[] = [];
  /** The server's time now, ms since the epoch. */
  @property({ type: Number }) now = 0;
  /** How far back the timeline reaches. */
  @property({ type: Number }) windowMs = 300_000;
  /** The state of the last request to use their face as a custom expression, set by whoever sends it. */
  @property({ attribute: false }) faceReference: FaceReferenceState = { status: 'idle' };

  @state() private editing = false;
  @state() private usingFace = false;
  /** What the form found wrong before sending. */
  @state() private faceProblem: string | undefined;
  /** Whether this form sent a request since it opened: a refusal from before is not shown again. */
  @state() private faceSent = false;
  @query('input[name="name"]') private nameInput?: HTMLInputElement;
  @query('button.rename') private renameButton?: HTMLButtonElement;
  @query('.use-face form') private faceForm?: HTMLFormElement;
  @query('button.use-face-toggle') private useFaceButton?: HTMLButtonElement;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    // Added: the form's work is done; what was added shows in its place.
    if (changed.has('faceReference') && this.faceReference.status === 'added' && this.usingFace) void this.stopUsingFace();
  }

  override render() {
    const identity = this.identity;
    const lastSeenMs = Date.parse(identity.lastSeen);
    const onScreen = this.now - lastSeenMs <= ON_SCREEN_WITHIN_MS;
    return html`<article class="card" aria-labelledby="name">
      <header>
        ${identity.thumbnail
          ? html`<img class="thumb ${onScreen ? 'on-screen' : ''}" src=${apiPicture(this.pictures, identity.thumbnail)} alt="" />`
          : html`<div class="thumb ${onScreen ? 'on-screen' : ''}" aria-hidden="true">?</div>`}
        <div>
          ${this.editing ? this.nameForm() : html`<h3 id="name"><span>${personLabel(identity)}</span>
              <button class="quiet rename" @click=${this.startEditing} aria-label=${`Rename ${personLabel(identity)}`} title="Rename">✎</button></h3>`}
          <p class="facts muted">
            #${identity.id} · ${identity.faces} faces (${identity.accepted} accepted) ·
            ${onScreen ? html`<strong class="on-screen">on screen</strong>` : `seen ${timeAgo(lastSeenMs, this.now)}`}
          </p>
          <div class="current" aria-label="Tags now">
            ${this.currentTags.length === 0
              ? html`<span class="muted">no tag now</span>`
              : this.currentTags.map((tag) => html`<span class="chip live" style=${styleMap({ '--tag-colour': tagColour(tag) })}>${tag}</span>`)}
          </div>
        </div>
      </header>
      <section>
        <h4>Timeline, last ${duration(this.windowMs)}</h4>
        <mien-tag-timeline .rows=${this.rows} .now=${this.now} .windowMs=${this.windowMs}></mien-tag-timeline>
      </section>
      <section>
        <h4>Appearance rate</h4>
        <mien-appearance-chart .appearance=${this.identity.appearance}></mien-appearance-chart>
      </section>
      <section class="use-face">${this.useFace()}</section>
    </article>`;
  }

  private useFace() {
    const state = this.faceReference;
    const label = personLabel(this.identity);
    const toggle = html`<button
      class="use-face-toggle"
      aria-expanded=${this.usingFace ? 'true' : 'false'}
      aria-controls="use-face-form"
      aria-label=${`Use this face as a reference: ${label}'s latest face on screen`}
      @click=${this.usingFace ? this.stopUsingFace : this.startUsingFace}
    >
      Use this face as a reference
    </button>`;
    if (!this.usingFace) {
      return html`${toggle}
        ${state.status === 'added'
          ? html`<p class="added" role="status">
              Added “${state.reference.tags.join(', ')}” from ${label}'s face. <a href="/expressions">See it in Custom expressions</a>
            </p>`
          : ''}`;
    }
    const busy = state.status === 'busy';
    const problem = this.faceProblem ?? (state.status === 'failed' && this.faceSent ? state.message : undefined);
    return html`${toggle}
      <form id="use-face-form" aria-label=${`Use ${label}'s face as a custom expression`} @submit=${this.submitFace} @keydown=${this.cancelFaceOnEscape} novalidate>
        <label class="field">
          <span>Tags</span>
          <input type="text" name="tags" placeholder="smile, grin" autocomplete="off" required />
        </label>
        <label class="field">
          <span>Threshold</span>
          <input type="number" name="threshold" min="0.01" max="2" step="0.01" placeholder="default" />
        </label>
        <p class="hint muted">Mien takes the face it saw of them last, read against their own resting face: add it while they show the expression.</p>
        ${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${busy}>${busy ? 'Adding…' : 'Add expression'}</button>
          <button type="button" @click=${this.stopUsingFace}>Cancel</button>
        </div>
      </form>`;
  }

  private async startUsingFace() {
    this.usingFace = true;
    this.faceProblem = undefined;
    this.faceSent = false;
    await this.updateComplete;
    this.faceForm?.querySelector<HTMLInputElement>('input[name="tags"]')?.focus();
  }

  /** Back to the button, with the focus on it, where the keyboard left off. */
  private async stopUsingFace() {
    this.usingFace = false;
    this.faceProblem = undefined;
    await this.updateComplete;
    this.useFaceButton?.focus();
  }

  private cancelFaceOnEscape(event: KeyboardEvent) {
    if (event.key === 'Escape') void this.stopUsingFace();
  }

  private submitFace(event: SubmitEvent) {
    event.preventDefault();
    if (!this.faceForm || this.faceReference.status === 'busy') return;
    const data = new FormData(this.faceForm);
    const tags = parseTags(textField(data, 'tags'));
    const threshold = parseThreshold(textField(data, 'threshold'));
    this.faceProblem = tagsAndThresholdProblem(tags, threshold);
    if (this.faceProblem) return;
    this.faceSent = true;
    this.dispatchEvent(new FaceReferenceEvent(this.identity.id, { tags, ...(threshold !== undefined && { threshold }) }));
  }

  private nameForm() {
    return html`<form id="name" @submit=${this.save} @keydown=${this.cancelOnEscape}>
      <label class="visually-hidden" for="name-input">Name of person ${this.identity.id}</label>
      <input id="name-input" name="name" type="text" maxlength="100" .value=${this.identity.name ?? ''} placeholder="Name (empty clears it)" />
      <button class="primary" type="submit">Save</button>
      <button type="button" @click=${this.stopEditing}>Cancel</button>
    </form>`;
  }

  private async startEditing() {
    this.editing = true;
    await this.updateComplete;
    this.nameInput?.focus();
    this.nameInput?.select();
  }

  /** Back to the name, with the focus on its rename button, where the keyboard left off. */
  private async stopEditing() {
    this.editing = false;
    await this.updateComplete;
    this.renameButton?.focus();
  }

  private cancelOnEscape(event: KeyboardEvent) {
    if (event.key === 'Escape') void this.stopEditing();
  }

  private save(event: SubmitEvent) {
    event.preventDefault();
    const name = this.nameInput?.value.trim() ?? '';
    void this.stopEditing();
    if (name !== (this.identity.name ?? '')) this.dispatchEvent(new IdentityRenameEvent(this.identity.id, name || null));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-person-card': MienPersonCard;
  }
  interface HTMLElementEventMap {
    'identity-rename': IdentityRenameEvent;
    'face-reference': FaceReferenceEvent;
  }
}
