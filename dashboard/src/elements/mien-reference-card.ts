import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Reference, ReferenceRest } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import { cardStyles, controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';
import { apiPicture } from './api-picture.js';

/** The operator confirmed deleting a custom expression. */
export class ReferenceDeleteEvent extends Event {
  static readonly eventName = 'reference-delete';
  constructor(readonly reference: number) {
    super(ReferenceDeleteEvent.eventName, { bubbles: true, composed: true });
  }
}

/** What a reference's face was read against, as the card says it; nothing where the embedding reads faces alone. */
export const READ_AGAINST: Readonly<Record<ReferenceRest, string | undefined>> = {
  none: undefined,
  population: 'people in general',
  'rest-photo': 'a photo of them at rest',
  'own-track': 'their own face on screen',
};

/**
 * A custom expression: the face Mien found in its picture, its tags, what the face was read
 * against, its threshold, and a delete button that asks once more before it fires.
 *
 * @fires reference-delete - deletion was confirmed (ReferenceDeleteEvent)
 */
@customElement('mien-reference-card')
export class MienReferenceCard extends LitElement {
  static override styles = [
    controlStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .card {
        display: grid;
        grid-template-columns: 6rem 1fr;
        gap: 0.9rem;
        padding: 0.8rem;
        height: 100%;
      }
      :host([highlighted]) .card {
        border-color: var(--mien-accent);
        box-shadow: 0 0 0 1px var(--mien-accent);
      }
      figure {
        margin: 0;
      }
      img {
        width: 6rem;
        height: 6rem;
        object-fit: cover;
        border-radius: calc(var(--mien-radius) * 0.7);
        background: var(--mien-bg);
        display: block;
      }
      figcaption {
        font-size: 0.75em;
        color: var(--mien-accent);
        margin-top: 0.25rem;
      }
      .tags {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        margin-bottom: 0.4rem;
      }
      p {
        margin: 0 0 0.25rem;
        font-size: 0.85em;
      }
      .stale {
        color: var(--mien-warn);
      }
      .actions {
        display: flex;
        gap: 0.4rem;
        margin-top: 0.5rem;
      }
    `,
  ];

  @property({ attribute: false }) reference!: Reference;
  /** Where the crop comes from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** Just added: its crop is shown as the face Mien found. */
  @property({ type: Boolean, reflect: true }) highlighted = false;

  @state() private confirming = false;

  override render() {
    const r = this.reference;
    const tags = r.tags.join(', ');
    return html`<article class="card" aria-label=${`Custom expression ${tags}`}>
      <figure>
        <img src=${apiPicture(this.pictures, r.crop)} alt=${`The face Mien found for ${tags}`} />
        ${this.highlighted ? html`<figcaption>the face Mien found</figcaption>` : ''}
      </figure>
      <div>
        <div class="tags">${r.tags.map((tag) => html`<span class="chip" style=${styleMap({ '--tag-colour': tagColour(tag) })}>${tag}</span>`)}</div>
        ${r.matched ? '' : html`<p class="stale" role="status">not matched: made with ${r.embeddingModel}; add it again</p>`}
        ${READ_AGAINST[r.rest] ? html`<p class="rest">read against: ${READ_AGAINST[r.rest]}</p>` : ''}
        <p class="threshold">threshold ${r.threshold === undefined ? html`<span class="muted">default</span>` : r.threshold}</p>
        <p class="muted">added ${new Date(r.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</p>
        <div class="actions">
          ${this.confirming
            ? html`<button class="danger" @click=${this.confirm}>Delete ${tags}</button><button @click=${() => (this.confirming = false)}>Keep</button>`
            : html`<button @click=${() => (this.confirming = true)} aria-label=${`Delete ${tags}`}>Delete…</button>`}
        </div>
      </div>
    </article>`;
  }

  private confirm() {
    this.confirming = false;
    this.dispatchEvent(new ReferenceDeleteEvent(this.reference.id));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-reference-card': MienReferenceCard;
  }
  interface HTMLElementEventMap {
    'reference-delete': ReferenceDeleteEvent;
  }
}
