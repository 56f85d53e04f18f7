import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleMap } from 'lit/directives/style-map.js';
import { clockTime, duration } from '../format.js';
import type { TagSegment, TimelineRow } from '../state/tag-timelines.js';
import { controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';

/** Segments shorter than this share of the track are widened to it, so a blink of a smile shows. */
const MIN_WIDTH_PERCENT = 0.6;
/** A segment's height is its intensity, within these bounds: the faintest still shows, the strongest fills the track. */
const MIN_INTENSITY_HEIGHT = 0.25;
const MAX_INTENSITY_HEIGHT = 1;

/**
 * One person's tag segments over the last `windowMs`, a track per stream, now at the right edge.
 * A segment with an intensity (how strongly the expression showed, 1 as strongly as the
 * reference face) rises from the track's floor as high as that, within [0.25, 1]; one without
 * fills the track.
 */
@customElement('mien-tag-timeline')
export class MienTagTimeline extends LitElement {
  static override styles = [
    controlStyles,
    css`
      .row {
        display: grid;
        grid-template-columns: minmax(3.5rem, 7rem) 1fr;
        gap: 0.6rem;
        align-items: center;
        margin-bottom: 0.35rem;
      }
      .stream {
        font-family: var(--mien-mono);
        font-size: 0.8em;
        color: var(--mien-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      ol {
        position: relative;
        list-style: none;
        margin: 0;
        padding: 0;
        height: 1.4rem;
        border-radius: 0.3rem;
        background: repeating-linear-gradient(90deg, transparent 0 calc(25% - 1px), var(--mien-border) calc(25% - 1px) 25%), var(--mien-bg);
      }
      li.segment {
        position: absolute;
        /* The inner height is 1.1rem; --intensity (0.25 to 1) lowers the top, the floor stays. */
        top: calc(0.15rem + (1 - var(--intensity, 1)) * 1.1rem);
        bottom: 0.15rem;
        border-radius: 0.2rem;
        background: var(--tag-colour);
      }
      li.segment.open {
        box-shadow: 0 0 0.5rem var(--tag-colour);
      }
      .axis {
        display: grid;
        grid-template-columns: minmax(3.5rem, 7rem) 1fr;
        gap: 0.6rem;
        font-size: 0.75em;
      }
      .axis div {
        display: flex;
        justify-content: space-between;
      }
      p {
        margin: 0;
      }
    `,
  ];

  /** The person's segments, a row per stream. */
  @property({ attribute: false }) rows: readonly TimelineRow[] = [];
  /** The right edge: the server's time now, ms since the epoch. */
  @property({ type: Number }) now = 0;
  /** How far back the left edge is. */
  @property({ type: Number }) windowMs = 300_000;

  override render() {
    const from = this.now - this.windowMs;
    if (this.rows.length === 0) return html`<p class="muted">No custom expression seen yet.</p>`;
    return html`
      ${this.rows.map((row) => {
        const visible = row.segments.filter((s) => s.endMs >= from && s.startMs <= this.now);
        return html`<div class="row">
          <span class="stream" title=${row.stream}>${row.stream}</span>
          <ol aria-label=${`Tags on ${row.stream}, last ${duration(this.windowMs)}`}>
            ${visible.map((s) => this.segment(s, from))}
          </ol>
        </div>`;
      })}
      <div class="axis muted" aria-hidden="true">
        <span></span>
        <div><span>−${duration(this.windowMs)}</span><span>now</span></div>
      </div>
    `;
  }

  private segment(s: TagSegment, from: number) {
    const left = Math.max(0, ((s.startMs - from) / this.windowMs) * 100);
    const right = Math.min(100, ((s.endMs - from) / this.windowMs) * 100);
    const width = Math.max(MIN_WIDTH_PERCENT, right - left);
    const strength = s.intensity === undefined ? '' : `, intensity ${s.intensity.toFixed(1)}`;
    const text = `${s.tag}${strength} ${clockTime(s.startMs)}–${s.open ? 'now' : clockTime(s.endMs)} (distance ${s.distance.toFixed(2)})`;
    return html`<li
      class=${classMap({ segment: true, open: s.open })}
      data-tag=${s.tag}
      title=${text}
      style=${styleMap({
        left: `${Math.min(left, 100 - width)}%`,
        width: `${width}%`,
        '--tag-colour': tagColour(s.tag),
        '--intensity': s.intensity === undefined ? undefined : String(Math.min(MAX_INTENSITY_HEIGHT, Math.max(MIN_INTENSITY_HEIGHT, s.intensity))),
      })}
    >
      <span class="visually-hidden">${text}</span>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-tag-timeline': MienTagTimeline;
  }
}
