import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Stream, StreamOrigin, StreamStatus } from '../api/api-types.js';
import type { PictureUrls } from '../api/pictures.js';
import { perSecond } from '../format.js';
import type { OnScreenPerson } from '../state/presence.js';
import { cardStyles, controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';

/** Statuses after which no new frame will come, so the preview stops refreshing. */
const FINAL_STATUSES: readonly StreamStatus[] = ['ended', 'stopped', 'failed'];
/** Until a stream has an analysed frame, ask for one this often. */
const NO_FRAME_RETRY_MS = 1_000;

/**
 * One stream: its live preview (the latest analysed frame, with faces, people and tags drawn by
 * the server), status, frames analysed, skipped (by the rate, as asked) and dropped (analysis
 * behind: in amber) per second, and who is on screen.
 */
@customElement('mien-stream-card')
export class MienStreamCard extends LitElement {
  static override styles = [
    controlStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .preview {
        position: relative;
        aspect-ratio: 16 / 9;
        background: #000;
        display: grid;
        place-items: center;
      }
      .preview img {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
        object-fit: contain;
      }
      .status {
        position: absolute;
        top: 0.6rem;
        left: 0.6rem;
        z-index: 1;
        padding: 0.1rem 0.6rem;
        border-radius: 999px;
        font-size: 0.8em;
        font-weight: 600;
        background: rgb(0 0 0 / 0.65);
        border: 1px solid currentColor;
        color: var(--status-colour);
      }
      .body {
        padding: 0.8rem 1rem 1rem;
        display: grid;
        gap: 0.5rem;
      }
      h3 {
        margin: 0;
        font-size: 1.1rem;
        display: flex;
        gap: 0.5rem;
        align-items: baseline;
      }
      .kind {
        font-size: 0.7rem;
        letter-spacing: 0.08em;
        text-transform: uppercase;
        color: var(--mien-muted);
        border: 1px solid var(--mien-border);
        border-radius: 0.3rem;
        padding: 0 0.35rem;
      }
      .source {
        font-family: var(--mien-mono);
        font-size: 0.8em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        margin: 0;
      }
      .origin {
        font-size: 0.8em;
        margin: 0;
      }
      dl {
        display: grid;
        grid-template-columns: repeat(3, 1fr);
        gap: 0.5rem;
        margin: 0;
      }
      dl div {
        background: var(--mien-bg);
        border-radius: calc(var(--mien-radius) * 0.6);
        padding: 0.35rem 0.6rem;
      }
      dt {
        font-size: 0.75em;
        color: var(--mien-muted);
      }
      dd {
        margin: 0;
        font-size: 1.25rem;
        font-variant-numeric: tabular-nums;
      }
      dd.warn {
        color: var(--mien-warn);
      }
      .people {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .reason {
        font-size: 0.8em;
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) stream!: Stream;
  /** Where the preview comes from (fetched with the token). */
  @property({ attribute: false }) pictures!: PictureUrls;
  /** People on the stream's picture now. */
  @property({ attribute: false }) people: readonly OnScreenPerson[] = [];
  /** Names of people who have one. */
  @property({ attribute: false }) names: ReadonlyMap<number, string> = new Map();
  /** Pause between the end of one preview download and the next. */
  @property({ type: Number }) refreshMs = 250;

  /** The latest preview's object URL; undefined while the stream has no analysed frame. */
  @state() private preview: string | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.refreshTimer);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // A card moved in the page keeps refreshing.
    if (this.hasUpdated) this.scheduleRefresh(0);
  }

  override firstUpdated(): void {
    void this.refresh();
  }

  override render() {
    const s = this.stream;
    return html`<article class="card" aria-labelledby="title">
      <div class="preview">
        <span class="status" style=${styleMap({ '--status-colour': statusColour(s.status) })}>${s.status}</span>
        ${this.preview === undefined
          ? html`<span class="muted">waiting for the first analysed frame</span>`
          : html`<img src=${this.preview} alt=${`Latest analysed frame of ${s.id}`} />`}
      </div>
      <div class="body">
        <h3 id="title">${s.id} <span class="kind">${s.kind}</span></h3>
        <p class="source muted" title=${s.source}>${s.source}</p>
        <p class="origin muted">${ORIGINS[s.origin]}</p>
        <dl>
          <div><dt>analysed / s</dt><dd>${perSecond(s.analysedPerSecond)}</dd></div>
          <div title="Frames the source let go beyond the analysis rate, as configured"><dt>skipped / s</dt><dd>${perSecond(s.skippedPerSecond)}</dd></div>
          <div title="Frames received and replaced unanalysed because the analysis was behind"><dt>dropped / s</dt><dd class=${perSecond(s.droppedPerSecond) === perSecond(0) ? '' : 'warn'}>${perSecond(s.droppedPerSecond)}</dd></div>
          <div><dt>frames analysed</dt><dd>${s.framesAnalysed}</dd></div>
        </dl>
        <ul class="people" aria-label="On screen">
          ${this.people.length === 0
            ? html`<li class="muted">nobody on screen</li>`
            : this.people.map((p) => html`<li>${this.person(p)}</li>`)}
        </ul>
        <p class="reason muted">${s.reason}</p>
      </div>
    </article>`;
  }

  private person(p: OnScreenPerson) {
    const label = [this.names.get(p.identity) ?? `Person ${p.identity}`, p.expression].filter(Boolean).join(' · ');
    return html`<span class="chip">${label}</span>
      ${p.tags.map((tag) => html` <span class="chip" style=${styleMap({ '--tag-colour': tagColour(tag) })}>${tag}</span>`)}`;
  }

  /** Fetches the latest preview, shows it in place of the last one, and plans the next. */
  private async refresh() {
    let next: string | undefined;
    try {
      next = await this.pictures.fresh(`/api/streams/${encodeURIComponent(this.stream.id)}/preview.jpg`);
    } catch {
      // No analysed frame yet (404), or the server is away: ask again, less often.
    }
    if (!this.isConnected) {
      if (next) URL.revokeObjectURL(next);
      return;
    }
    // A failed download keeps the last picture on screen.
    if (next) {
      const shown = this.preview;
      this.preview = next;
      // The <img> keeps its decoded picture; the old URL is no longer needed once the new one is set.
      if (shown) void this.updateComplete.then(() => URL.revokeObjectURL(shown));
    }
    this.scheduleRefresh(next ? this.refreshMs : NO_FRAME_RETRY_MS);
  }

  /** Self-paced: the next download starts only after this one ended, so slow links never pile up. */
  private scheduleRefresh(delayMs: number) {
    clearTimeout(this.refreshTimer);
    if (FINAL_STATUSES.includes(this.stream.status) || !this.isConnected) return;
    this.refreshTimer = setTimeout(() => void this.refresh(), document.hidden ? Math.max(delayMs, 2_000) : delayMs);
  }
}

/** Where each stream came from, as the operator would say it. */
const ORIGINS: Record<StreamOrigin, string> = {
  config: 'declared in the config file',
  api: 'added over the API, kept across restarts',
  publisher: 'a WebRTC publisher, until it leaves',
  demo: 'the built-in demo',
};

function statusColour(status: StreamStatus): string {
  switch (status) {
    case 'playing':
      return 'var(--mien-ok)';
    case 'connecting':
    case 'reconnecting':
    case 'stalled':
      return 'var(--mien-warn)';
    case 'failed':
      return 'var(--mien-bad)';
    case 'ended':
    case 'stopped':
      return 'var(--mien-muted)';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-stream-card': MienStreamCard;
  }
}
