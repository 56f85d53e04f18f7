import { LitElement, css, html, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { ApiClient, ApiError, ServerUnreachableError } from '../api/api-client.js';
import type { Identity, MienEvent, Reference, Stream } from '../api/api-types.js';
import { EventSocket } from '../api/event-socket.js';
import { Pictures } from '../api/pictures.js';
import { TokenStorage } from '../api/token-storage.js';
import { Poller } from '../state/poller.js';
import { Presence } from '../state/presence.js';
import { ServerClock } from '../state/server-clock.js';
import { TagTimelines } from '../state/tag-timelines.js';
import { controlStyles } from '../styles/shared-styles.js';
import type { TokenSubmitEvent } from './mien-connection-banner.js';
import './mien-connection-banner.js';
import type { Connection } from './mien-connection-status.js';
import './mien-connection-status.js';
import type { FaceReferenceEvent, FaceReferenceState, IdentityRenameEvent } from './mien-person-card.js';
import './mien-people-view.js';
import type { ReferenceDeleteEvent } from './mien-reference-card.js';
import type { ReferenceSubmitEvent, UploadState } from './mien-reference-form.js';
import './mien-references-view.js';
import './mien-streams-view.js';

type View = 'streams' | 'people' | 'expressions';

const VIEWS: readonly { readonly view: View; readonly path: string; readonly label: string }[] = [
  { view: 'streams', path: '/', label: 'Streams' },
  { view: 'people', path: '/people', label: 'People' },
  { view: 'expressions', path: '/expressions', label: 'Custom expressions' },
];

/** How far back tag segments are loaded, kept, and can be shown. */
const HISTORY_MS = 3_600_000;
/** Pages of past events loaded at most at each (re)connect. */
const HISTORY_PAGES = 20;
const HISTORY_PAGE_SIZE = 1000;

/**
 * The operator's dashboard: streams, people and custom expressions, from the server's REST API
 * (polled) and its live events (WebSocket). Owns the connection, the token and every request; the
 * views only show what they are given and fire what the operator asked for.
 */
@customElement('mien-app')
export class MienApp extends LitElement {
  static override styles = [
    controlStyles,
    css`
      :host {
        display: block;
        min-height: 100vh;
      }
      .skip {
        position: absolute;
        left: -999px;
      }
      .skip:focus {
        left: 1rem;
        top: 1rem;
        z-index: 10;
        background: var(--mien-surface-raised);
        padding: 0.5rem 1rem;
      }
      header {
        position: sticky;
        top: 0;
        z-index: 5;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 0.6rem 2rem;
        padding: 0.7rem clamp(1rem, 2vw, 2.5rem);
        background: color-mix(in srgb, var(--mien-bg) 85%, transparent);
        backdrop-filter: blur(8px);
        border-bottom: 1px solid var(--mien-border);
      }
      .brand {
        font-size: 1.35rem;
        font-weight: 700;
        letter-spacing: 0.02em;
        color: var(--mien-text);
        text-decoration: none;
      }
      .brand span {
        color: var(--mien-accent);
      }
      nav {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        flex: 1;
      }
      nav a {
        color: var(--mien-muted);
        text-decoration: none;
        padding: 0.35rem 0.8rem;
        border-radius: calc(var(--mien-radius) * 0.7);
      }
      nav a:hover {
        color: var(--mien-text);
      }
      nav a[aria-current='page'] {
        color: var(--mien-text);
        background: var(--mien-surface-raised);
        box-shadow: inset 0 -2px 0 var(--mien-accent);
      }
      .count {
        font-variant-numeric: tabular-nums;
        color: var(--mien-muted);
        margin-left: 0.2rem;
      }
      .connection {
        display: flex;
        align-items: center;
        gap: 0.5rem;
      }
      .messages {
        display: grid;
        gap: 0.6rem;
        padding: 0 clamp(1rem, 2vw, 2.5rem);
      }
      .messages > :first-child {
        margin-top: 1rem;
      }
      .notice {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 1rem;
        padding: 0.5rem 0.6rem 0.5rem 1.2rem;
        border: 1px solid var(--mien-warn);
        border-radius: var(--mien-radius);
        background: color-mix(in srgb, var(--mien-warn) 10%, var(--mien-surface));
      }
      main {
        padding: 1.2rem clamp(1rem, 2vw, 2.5rem) 3rem;
        outline: none;
        transition: opacity 0.3s;
      }
      main.stale {
        opacity: 0.45;
      }
    `,
  ];

  @state() private view: View = viewAt(location.pathname);
  @state() private streams: readonly Stream[] = [];
  @state() private identities: readonly Identity[] = [];
  @state() private references: readonly Reference[] = [];
  @state() private connection: Connection = 'connecting';
  @state() private dropped = 0;
  /** The server's time now, ms since the epoch: the right edge of every timeline. */
  @state() private now = Date.now();
  @state() private upload: UploadState = { status: 'idle' };
  /** Per person, the last request to use their face on screen as a custom expression. */
  @state() private faceReferences: ReadonlyMap<number, FaceReferenceState> = new Map();
  /** The custom expression added last (uploaded or from a face), outlined in its view. */
  @state() private highlighted: number | undefined;
  /** The last action that failed, for the operator to read and dismiss. */
  @state() private notice: string | undefined;
  @query('main') private main?: HTMLElement;

  private readonly tokens = new TokenStorage();
  private readonly api = new ApiClient('', () => this.tokens.value);
  private readonly pictures = new Pictures((path) => this.api.picture(path));
  private readonly timelines = new TagTimelines();
  private readonly presence = new Presence();
  private readonly clock = new ServerClock();
  private readonly socket = new EventSocket({
    url: () => this.api.eventsSocketUrl(new URL(location.href)),
    onEvents: (events) => this.receive(events),
    onLive: () => this.live(),
    onClose: (opened) => void this.lost(opened),
    onDropped: (count) => (this.dropped += count),
  });
  private readonly streamsPoller = new Poller(1_000, () => this.attempt(async () => (this.streams = await this.api.streams())));
  private readonly identitiesPoller = new Poller(2_000, () => this.attempt(async () => (this.identities = await this.api.identities())));
  private readonly referencesPoller = new Poller(10_000, () => this.attempt(async () => (this.references = await this.api.references())));
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly followHistory = () => (this.view = viewAt(location.pathname));

  override connectedCallback(): void {
    super.connectedCallback();
    for (const poller of this.pollers) poller.start();
    this.socket.start();
    this.ticker = setInterval(() => this.tick(), 1_000);
    addEventListener('popstate', this.followHistory);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const poller of this.pollers) poller.stop();
    this.socket.stop();
    clearInterval(this.ticker);
    removeEventListener('popstate', this.followHistory);
  }

  override render() {
    const counts: Record<View, number> = { streams: this.streams.length, people: this.identities.length, expressions: this.references.length };
    return html`
      <a class="skip" href="#main" @click=${this.focusMain}>Skip to content</a>
      <header>
        <a class="brand" href="/" @click=${this.navigate}>Mien<span>·</span>live</a>
        <nav aria-label="Views">
          ${VIEWS.map(
            ({ view, path, label }) =>
              html`<a href=${path} aria-current=${view === this.view ? 'page' : nothing} @click=${this.navigate}>${label}<span class="count">${counts[view]}</span></a>`,
          )}
        </nav>
        <div class="connection">
          <mien-connection-status .state=${this.connection} .dropped=${this.dropped}></mien-connection-status>
          ${this.tokens.value ? html`<button class="quiet" @click=${this.forgetToken}>Forget token</button>` : nothing}
        </div>
      </header>
      <div class="messages">
        <mien-connection-banner .state=${this.connection} .server=${location.host} @token-submit=${this.useToken}></mien-connection-banner>
        ${this.notice
          ? html`<div class="notice" role="status">
              <span>${this.notice}</span><button class="quiet" @click=${() => (this.notice = undefined)} aria-label="Dismiss">✕</button>
            </div>`
          : nothing}
      </div>
      <main id="main" tabindex="-1" class=${this.connection === 'down' ? 'stale' : ''} @click=${this.followViewLink}>${this.viewContent()}</main>
    `;
  }

  private viewContent() {
    switch (this.view) {
      case 'streams': {
        const names = new Map(this.identities.flatMap((i) => (i.name ? [[i.id, i.name] as const] : [])));
        const people = new Map(this.streams.map((s) => [s.id, this.presence.onScreen(s.id)]));
        return html`<mien-streams-view .streams=${this.streams} .pictures=${this.pictures} .people=${people} .names=${names}></mien-streams-view>`;
      }
      case 'people': {
        const people = this.identities.map((identity) => ({
          identity,
          rows: this.timelines.rows(identity.id),
          currentTags: this.timelines.currentTags(identity.id, this.now),
          faceReference: this.faceReferences.get(identity.id),
        }));
        return html`<mien-people-view .people=${people} .pictures=${this.pictures} .now=${this.now} @identity-rename=${this.rename} @face-reference=${this.addReferenceFromFace}></mien-people-view>`;
      }
      case 'expressions':
        return html`<mien-references-view
          .pictures=${this.pictures}
          .references=${this.references}
          .upload=${this.upload}
          .highlighted=${this.highlighted}
          @reference-submit=${this.addReference}
          @reference-delete=${this.deleteReference}
        ></mien-references-view>`;
    }
  }

  private get pollers(): readonly Poller[] {
    return [this.streamsPoller, this.identitiesPoller, this.referencesPoller];
  }

  /** One batch of live events, at most one per animation frame. */
  private receive(events: readonly MienEvent[]): void {
    this.clock.observe(Math.max(...events.map((e) => Date.parse(e.wallTime))));
    this.timelines.apply(events);
    this.presence.apply(events);
    if (events.some((e) => e.kind === 'identity-created' || e.kind === 'identity-attributed' || e.kind === 'identity-merged')) this.identitiesPoller.runNow();
    if (events.some((e) => e.kind === 'stream-status')) this.streamsPoller.runNow();
    this.now = this.clock.now();
    // The timelines and presence changed inside; Lit sees only its own properties.
    this.requestUpdate();
  }

  private live(): void {
    this.connection = 'live';
    void this.attempt(() => this.loadHistory());
  }

  /** Tag segments of the last hour, missed while the page was closed or disconnected. */
  private async loadHistory(): Promise<void> {
    const from = new Date(this.clock.now() - HISTORY_MS).toISOString();
    let after: number | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const { events, next } = await this.api.events({ kinds: ['tag-start', 'tag-end', 'identity-merged'], from, after, limit: HISTORY_PAGE_SIZE });
      this.timelines.apply(events);
      if (next === undefined || events.length < HISTORY_PAGE_SIZE) break;
      after = next;
    }
    this.requestUpdate();
  }

  /** The socket closed: the server is gone, or it refused the token (a browser cannot see the 401 itself). */
  private async lost(opened: boolean): Promise<void> {
    const readiness = await this.api.readiness();
    if (this.socket.live) return;
    if (readiness === 'unreachable') {
      this.connection = 'down';
    } else if (readiness === 'ready' && !opened) {
      this.socket.stop();
      this.connection = this.tokens.value ? 'token-refused' : 'token-needed';
    } else {
      this.connection = 'connecting';
    }
  }

  /** Runs a request; a failure sets the connection state or the notice instead of throwing. */
  private async attempt(request: () => Promise<unknown>, doing?: string): Promise<boolean> {
    try {
      await request();
    } catch (error) {
      this.failed(error, doing);
      return false;
    }
    this.answered();
    return true;
  }

  /** A request got through: if the server was down, it is back; reconnect now rather than at the socket's next backoff. */
  private answered(): void {
    if (this.connection !== 'down') return;
    this.connection = 'connecting';
    this.socket.start();
  }

  private failed(error: unknown, doing?: string): void {
    if (error instanceof ServerUnreachableError) {
      this.connection = 'down';
    } else if (error instanceof ApiError && error.status === 401) {
      this.socket.stop();
      this.connection = this.tokens.value ? 'token-refused' : 'token-needed';
    } else {
      this.notice = `${doing ?? 'Loading'} failed: ${(error as Error).message}`;
    }
  }

  private tick(): void {
    this.now = this.clock.now();
    this.timelines.prune(this.now - HISTORY_MS);
  }

  private useToken(event: TokenSubmitEvent): void {
    this.tokens.value = event.token;
    this.connection = 'connecting';
    this.socket.start();
  }

  private forgetToken(): void {
    this.tokens.value = undefined;
    this.connection = 'connecting';
    this.socket.start();
  }

  private async rename(event: IdentityRenameEvent): Promise<void> {
    await this.attempt(async () => {
      const renamed = await this.api.renameIdentity(event.identity, event.name);
      this.identities = this.identities.map((i) => (i.id === renamed.id ? renamed : i));
    }, `Renaming person ${event.identity}`);
  }

  private async addReference(event: ReferenceSubmitEvent): Promise<void> {
    this.upload = { status: 'busy' };
    let added: Reference | undefined;
    const ok = await this.attempt(async () => {
      added = await this.api.addReference(event.upload);
    }, 'Adding the expression');
    if (ok && added) {
      this.references = [...this.references, added];
      this.highlighted = added.id;
      this.upload = { status: 'added', reference: added.id };
    } else {
      this.upload = { status: 'failed', message: this.notice ?? 'The server did not take it; see the message above.' };
      this.notice = undefined;
    }
  }

  /** A person's latest face on screen as a custom expression; the card shows the server's sentence when it is refused. */
  private async addReferenceFromFace(event: FaceReferenceEvent): Promise<void> {
    const person = event.identity;
    const tell = (state: FaceReferenceState) => (this.faceReferences = new Map(this.faceReferences).set(person, state));
    tell({ status: 'busy' });
    try {
      const added = await this.api.addReferenceFromFace(person, event.fields);
      this.answered();
      this.references = [...this.references, added];
      this.highlighted = added.id;
      tell({ status: 'added', reference: added });
    } catch (error) {
      tell({ status: 'failed', message: (error as Error).message });
      // 404 (no face of theirs lately), 409 (no Face Landmarker), 400: the card says it. A refused token or a server down: the page does too.
      if (!(error instanceof ApiError) || error.status === 401) this.failed(error, 'Using the face');
    }
  }

  private async deleteReference(event: ReferenceDeleteEvent): Promise<void> {
    const ok = await this.attempt(() => this.api.deleteReference(event.reference), `Deleting expression ${event.reference}`);
    if (ok) this.references = this.references.filter((r) => r.id !== event.reference);
  }

  private navigate(event: MouseEvent): void {
    this.follow(event.currentTarget as HTMLAnchorElement, event);
  }

  /** Links to a view from inside the views (a person card's "See it in Custom expressions") stay in the page too. */
  private followViewLink(event: MouseEvent): void {
    const link = event.composedPath().find((target): target is HTMLAnchorElement => target instanceof HTMLAnchorElement);
    if (!link) return;
    const url = new URL(link.href, location.href);
    if (url.origin === location.origin && VIEWS.some((v) => v.path === url.pathname)) this.follow(link, event);
  }

  private follow(link: HTMLAnchorElement, event: MouseEvent): void {
    // Let the browser open new tabs and windows as asked.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    if (link.pathname !== location.pathname) history.pushState(null, '', link.pathname);
    this.view = viewAt(link.pathname);
    this.focusMain(event);
  }

  /** Moves the focus to the content, as a page load would, for keyboard and screen-reader users. */
  private focusMain(event: Event): void {
    event.preventDefault();
    this.main?.focus();
  }
}

function viewAt(path: string): View {
  return VIEWS.find((v) => v.path === path)?.view ?? 'streams';
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-app': MienApp;
  }
}
