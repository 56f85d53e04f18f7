import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';

/**
 * A horizontal bar per tag: the share of a person's analysed faces it held on.
 */
@customElement('mien-appearance-chart')
export class MienAppearanceChart extends LitElement {
  static override styles = [
    controlStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        grid-template-columns: minmax(4rem, max-content) 1fr 3.2rem;
        gap: 0.3rem 0.6rem;
        align-items: center;
      }
      li {
        display: contents;
      }
      .bar {
        height: 0.7rem;
        border-radius: 999px;
        background: var(--mien-bg);
        overflow: hidden;
      }
      .bar span {
        display: block;
        height: 100%;
        border-radius: inherit;
        background: var(--tag-colour);
      }
      .value {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      .tag {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    `,
  ];

  /** Tag -> share of the person's analysed faces, 0..1 (the API's `appearance`). */
  @property({ attribute: false }) appearance: Readonly<Record<string, number>> = {};

  override render() {
    const bars = Object.entries(this.appearance).sort(([, a], [, b]) => b - a);
    if (bars.length === 0) return html`<p class="muted">No custom expression seen yet.</p>`;
    return html`<ul aria-label="Share of faces per tag">
      ${bars.map(
        ([tag, share]) => html`<li style=${styleMap({ '--tag-colour': tagColour(tag) })}>
          <span class="tag">${tag}</span>
          <span class="bar" aria-hidden="true"><span style=${styleMap({ width: `${Math.min(100, share * 100)}%` })}></span></span>
          <span class="value">${formatShare(share)}</span>
        </li>`,
      )}
    </ul>`;
  }
}

function formatShare(share: number): string {
  return share > 0 && share < 0.01 ? '<1%' : `${Math.round(share * 100)}%`;
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-appearance-chart': MienAppearanceChart;
  }
}
