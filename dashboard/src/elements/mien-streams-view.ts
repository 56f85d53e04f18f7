import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Stream } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import type { OnScreenPerson } from '../state/presence.js';
import { controlStyles, gridStyles } from '../styles/shared-styles.js';
import './mien-stream-card.js';

/**
 * Every stream the server analyses, a card each with its live preview.
 */
@customElement('mien-streams-view')
export class MienStreamsView extends LitElement {
  static override styles = [
    controlStyles,
    gridStyles,
    css`
      :host {
        display: block;
        --grid-min: 26rem;
        --grid-max: 44rem;
      }
      h2 {
        margin: 0 0 var(--mien-gap);
        font-size: 1.3rem;
      }
    `,
  ];

  @property({ attribute: false }) streams: readonly Stream[] = [];
  /** Where the cards' pictures come from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** Stream id -> the people on its picture now. */
  @property({ attribute: false }) people: ReadonlyMap<string, readonly OnScreenPerson[]> = new Map();
  /** Names of people who have one. */
  @property({ attribute: false }) names: ReadonlyMap<number, string> = new Map();

  override render() {
    return html`
      <h2>Streams <span class="muted">${this.streams.length}</span></h2>
      ${this.streams.length === 0
        ? html`<p class="empty">No stream yet. Add one with <code>POST /api/streams</code>, or start the server with <code>mien serve --demo</code>.</p>`
        : html`<div class="grid">
            ${repeat(
              this.streams,
              (s) => s.id,
              (s) => html`<mien-stream-card .stream=${s} .pictures=${this.pictures} .people=${this.people.get(s.id) ?? []} .names=${this.names}></mien-stream-card>`,
            )}
          </div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-streams-view': MienStreamsView;
  }
}
