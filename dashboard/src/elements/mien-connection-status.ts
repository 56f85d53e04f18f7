import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { controlStyles } from '../styles/shared-styles.js';

/** How the page stands with the server. */
export type Connection =
  /** Opening the live events, or reopening them. */
  | 'connecting'
  /** Live events flow. */
  | 'live'
  /** The server does not answer. */
  | 'down'
  /** The server wants a token and the page has none. */
  | 'token-needed'
  /** The server refused the page's token. */
  | 'token-refused';

const LABELS: Record<Connection, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  down: 'Server unreachable',
  'token-needed': 'Token needed',
  'token-refused': 'Token refused',
};

/**
 * A small pill telling the connection's state, and how many events the server dropped because
 * this page fell behind.
 */
@customElement('mien-connection-status')
export class MienConnectionStatus extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: inline-flex;
        align-items: center;
        gap: 0.5rem;
        font-size: 0.9em;
      }
      .pill {
        display: inline-flex;
        align-items: center;
        gap: 0.45rem;
        padding: 0.2rem 0.75rem;
        border-radius: 999px;
        border: 1px solid var(--colour);
        color: var(--colour);
        --colour: var(--mien-warn);
        white-space: nowrap;
      }
      .pill::before {
        content: '';
        width: 0.55rem;
        height: 0.55rem;
        border-radius: 50%;
        background: var(--colour);
      }
      .live {
        --colour: var(--mien-ok);
      }
      .live::before {
        animation: pulse 2s ease-in-out infinite;
      }
      .down,
      .token-refused,
      .token-needed {
        --colour: var(--mien-bad);
      }
      @keyframes pulse {
        50% {
          opacity: 0.35;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .live::before {
          animation: none;
        }
      }
    `,
  ];

  @property() state: Connection = 'connecting';
  /** Events the server dropped for this page since it opened. */
  @property({ type: Number }) dropped = 0;

  override render() {
    return html`<span role="status" class=${classMap({ pill: true, [this.state]: true })}>${LABELS[this.state]}</span>
      ${this.dropped > 0 ? html`<span class="muted" title="The server dropped events this page did not take in time">${this.dropped} dropped</span>` : ''}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-connection-status': MienConnectionStatus;
  }
}
