import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Reference } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import { cardStyles, controlStyles, gridStyles } from '../styles/shared-styles.js';
import './mien-reference-card.js';
import './mien-reference-form.js';
import type { UploadState } from './mien-reference-form.js';

/**
 * Custom expressions: the form to add one, then every one there is, newest first. The form's
 * reference-submit and the cards' reference-delete bubble through.
 */
@customElement('mien-references-view')
export class MienReferencesView extends LitElement {
  static override styles = [
    controlStyles,
    cardStyles,
    gridStyles,
    css`
      :host {
        display: block;
        --grid-min: 20rem;
        --grid-max: 28rem;
      }
      h2 {
        margin: 0 0 var(--mien-gap);
        font-size: 1.3rem;
      }
      .card {
        padding: 1rem;
        margin-bottom: calc(var(--mien-gap) * 1.5);
      }
      .card h3 {
        margin: 0 0 0.8rem;
        font-size: 1rem;
      }
    `,
  ];

  @property({ attribute: false }) references: readonly Reference[] = [];
  /** Where the cards' pictures come from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** The state of the last upload, for the form and to point at what it added. */
  @property({ attribute: false }) upload: UploadState = { status: 'idle' };
  /** The reference to point at, however it was added (a person's face on screen, say); else the upload's. */
  @property({ attribute: false }) highlighted: number | undefined;

  override render() {
    const added = this.highlighted ?? (this.upload.status === 'added' ? this.upload.reference : undefined);
    const newestFirst = [...this.references].sort((a, b) => b.id - a.id);
    return html`
      <section class="card" aria-labelledby="add">
        <h3 id="add">Add a custom expression</h3>
        <mien-reference-form .upload=${this.upload}></mien-reference-form>
      </section>
      <h2>Custom expressions <span class="muted">${this.references.length}</span></h2>
      ${newestFirst.length === 0
        ? html`<p class="empty">None yet. Add a picture of a face showing the expression to look for.</p>`
        : html`<div class="grid">
            ${repeat(
              newestFirst,
              (r) => r.id,
              (r) => html`<mien-reference-card .reference=${r} .pictures=${this.pictures} ?highlighted=${r.id === added}></mien-reference-card>`,
            )}
          </div>`}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-references-view': MienReferencesView;
  }
}
