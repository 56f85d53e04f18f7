import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';
import { controlStyles } from '../styles/shared-styles.js';
import type { Connection } from './mien-connection-status.js';

/** The operator entered a token. */
export class TokenSubmitEvent extends Event {
  static readonly eventName = 'token-submit';
  constructor(readonly token: string) {
    super(TokenSubmitEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * What is wrong with the connection and what to do about it: a notice while the server does not
 * answer, a token form while it wants one. Renders nothing while all is well.
 *
 * @fires token-submit - the operator entered a token (TokenSubmitEvent)
 */
@customElement('mien-connection-banner')
export class MienConnectionBanner extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
      }
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.6rem 1.2rem;
        padding: 0.9rem 1.2rem;
        border-radius: var(--mien-radius);
        border: 1px solid var(--mien-bad);
        background: color-mix(in srgb, var(--mien-bad) 12%, var(--mien-surface));
      }
      p {
        margin: 0;
        flex: 1 1 20rem;
      }
      strong {
        display: block;
      }
      form {
        display: flex;
        gap: 0.5rem;
        flex: 1 1 22rem;
      }
      input {
        flex: 1;
        min-width: 0;
      }
    `,
  ];

  @property() state: Connection = 'connecting';
  /** The server's address, to name it. */
  @property() server = '';

  @query('input') private tokenInput?: HTMLInputElement;

  override render() {
    switch (this.state) {
      case 'down':
        return html`<div class="banner" role="alert">
          <p><strong>Mien's server at ${this.server} does not answer.</strong> The page shows the last data it had and reconnects by itself when the server is back.</p>
        </div>`;
      case 'token-needed':
      case 'token-refused':
        return html`<div class="banner" role="alert">
          <p>
            <strong>${this.state === 'token-refused' ? 'The server refused this token.' : 'This server needs its access token.'}</strong>
            Live events and changes need the token set as <code>MIEN_TOKEN</code> where the server runs. It is kept in this browser.
          </p>
          <form @submit=${this.submit}>
            <label class="visually-hidden" for="token">Access token</label>
            <input id="token" type="password" autocomplete="current-password" placeholder="Access token" required minlength="1" />
            <button class="primary" type="submit">Connect</button>
          </form>
        </div>`;
      default:
        return nothing;
    }
  }

  private submit(event: SubmitEvent) {
    event.preventDefault();
    const token = this.tokenInput?.value.trim();
    if (token) this.dispatchEvent(new TokenSubmitEvent(token));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-connection-banner': MienConnectionBanner;
  }
  interface HTMLElementEventMap {
    'token-submit': TokenSubmitEvent;
  }
}
