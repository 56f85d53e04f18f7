import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Identity } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import { duration } from '../format.js';
import type { TimelineRow } from '../state/tag-timelines.js';
import { controlStyles, gridStyles } from '../styles/shared-styles.js';
import type { FaceReferenceState } from './mien-person-card.js';
import './mien-person-card.js';

/** A person as the view shows them: the API's identity and what the live events told. */
export interface PersonState {
  readonly identity: Identity;
  readonly rows: readonly TimelineRow[];
  readonly currentTags: readonly string[];
  /** The last request to use their face as a custom expression; absent: none. */
  readonly faceReference?: FaceReferenceState;
}

const NO_REQUEST: FaceReferenceState = { status: 'idle' };

/** The spans of time the timelines can show. */
export const TIMELINE_WINDOWS_MS = [60_000, 300_000, 900_000, 3_600_000] as const;

/**
 * Everyone seen, most recently seen first, with a choice of how far back the timelines reach.
 * Renames and requests to use a face as a custom expression bubble through from the cards
 * (identity-rename, face-reference).
 */
@customElement('mien-people-view')
export class MienPeopleView extends LitElement {
  static override styles = [
    controlStyles,
    gridStyles,
    css`
      :host {
        display: block;
        --grid-min: 24rem;
        --grid-max: 34rem;
      }
      .toolbar {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        align-items: center;
        gap: 0.6rem;
        margin-bottom: var(--mien-gap);
      }
      h2 {
        margin: 0;
        font-size: 1.3rem;
      }
      .span {
        display: inline-flex;
        align-items: center;
        gap: 0.15rem;
        border: 1px solid var(--mien-border);
        border-radius: calc(var(--mien-radius) * 0.7);
        padding: 0.15rem;
      }
      .span > span {
        padding: 0 0.6rem;
        color: var(--mien-muted);
        font-size: 0.85em;
      }
      label {
        position: relative;
        padding: 0.3rem 0.7rem;
        border-radius: calc(var(--mien-radius) * 0.5);
        cursor: pointer;
        font-size: 0.9em;
      }
      label:has(input:checked) {
        background: var(--mien-surface-raised);
        color: var(--mien-accent);
      }
      label:has(input:focus-visible) {
        outline: 2px solid var(--mien-accent);
      }
      input[type='radio'] {
        position: absolute;
        opacity: 0;
        inset: 0;
        margin: 0;
        cursor: pointer;
      }
    `,
  ];

  @property({ attribute: false }) people: readonly PersonState[] = [];
  /** Where the cards' pictures come from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** The server's time now, ms since the epoch. */
  @property({ type: Number }) now = 0;

  @state() windowMs: number = TIMELINE_WINDOWS_MS[1];

  override render() {
    const people = [...this.people].sort((a, b) => Date.parse(b.identity.lastSeen) - Date.parse(a.identity.lastSeen));
    return html`
      <div class="toolbar">
        <h2>People <span class="muted">${people.length}</span></h2>
        <div class="span" role="radiogroup" aria-labelledby="span-label">
          <span id="span-label">Timeline</span>
          ${TIMELINE_WINDOWS_MS.map(
            (ms) => html`<label
              ><input type="radio" name="window" .value=${String(ms)} .checked=${ms === this.windowMs} @change=${() => (this.windowMs = ms)} />${duration(ms)}</label
            >`,
          )}
        </div>
      </div>
      ${people.length === 0
        ? html`<p class="empty">Nobody seen yet. People appear here once a stream shows a face Mien accepts.</p>`
        : html`<div class="grid">
            ${repeat(
              people,
              (p) => p.identity.id,
              (p) => html`<mien-person-card
                .identity=${p.identity}
                .pictures=${this.pictures}
                .rows=${p.rows}
                .currentTags=${p.currentTags}
                .now=${this.now}
                .windowMs=${this.windowMs}
                .faceReference=${p.faceReference ?? NO_REQUEST}
              ></mien-person-card>`,
            )}
          </div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-people-view': MienPeopleView;
  }
}
