import { LitElement, css, html } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import type { Identity } from '../api/api-types.js';
import { duration, personLabel, timeAgo } from '../format.js';
import type { TimelineRow } from '../state/tag-timelines.js';
import { cardStyles, controlStyles } from '../styles/shared-styles.js';
import { tagColour } from '../styles/tag-colour.js';
import './mien-appearance-chart.js';
import './mien-tag-timeline.js';

/** The operator named a person, or cleared the name (`name` null). */
export class IdentityRenameEvent extends Event {
  static readonly eventName = 'identity-rename';
  constructor(
    readonly identity: number,
    readonly name: string | null,
  ) {
    super(IdentityRenameEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Seen this recently (server time), a person counts as on screen. */
const ON_SCREEN_WITHIN_MS = 5_000;

/**
 * A person: thumbnail, editable name, faces seen, the tags holding now, a timeline of tag segments
 * per stream and the share of faces each tag held on.
 *
 * @fires identity-rename - the operator saved a new name (IdentityRenameEvent)
 */
@customElement('mien-person-card')
export class MienPersonCard extends LitElement {
  static override styles = [
    controlStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .card {
        height: 100%;
      }
      header {
        display: grid;
        grid-template-columns: 4.5rem 1fr;
        gap: 0.9rem;
        padding: 1rem 1rem 0.6rem;
        align-items: center;
      }
      .thumb {
        width: 4.5rem;
        height: 4.5rem;
        border-radius: 50%;
        object-fit: cover;
        background: var(--mien-surface-raised);
        border: 2px solid var(--mien-border);
        display: grid;
        place-items: center;
        font-size: 1.5rem;
        color: var(--mien-muted);
      }
      .thumb.on-screen {
        border-color: var(--mien-ok);
      }
      strong.on-screen {
        color: var(--mien-ok);
      }
      h3 {
        margin: 0;
        font-size: 1.15rem;
        display: flex;
        align-items: center;
        gap: 0.4rem;
        min-width: 0;
      }
      h3 span {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      form {
        display: flex;
        gap: 0.4rem;
        flex-wrap: wrap;
      }
      form input {
        flex: 1 1 8rem;
        min-width: 0;
      }
      .facts {
        font-size: 0.85em;
        margin: 0.15rem 0 0.35rem;
      }
      .current {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
        min-height: 1.5rem;
      }
      .chip.live::before {
        content: '';
        width: 0.45em;
        height: 0.45em;
        border-radius: 50%;
        background: var(--tag-colour);
      }
      section {
        padding: 0.5rem 1rem 0.8rem;
        border-top: 1px solid var(--mien-border);
      }
      h4 {
        margin: 0 0 0.45rem;
        font-size: 0.75rem;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--mien-muted);
      }
    `,
  ];

  @property({ attribute: false }) identity!: Identity;
  /** Their tag segments, a row per stream. */
  @property({ attribute: false }) rows: readonly TimelineRow[] = [];
  /** Tags holding for them now. */
  @property({ attribute: false }) currentTags: readonly string[] = [];
  /** The server's time now, ms since the epoch. */
  @property({ type: Number }) now = 0;
  /** How far back the timeline reaches. */
  @property({ type: Number }) windowMs = 300_000;

  @state() private editing = false;
  @query('input[name="name"]') private nameInput?: HTMLInputElement;
  @query('button.rename') private renameButton?: HTMLButtonElement;

  override render() {
    const identity = this.identity;
    const lastSeenMs = Date.parse(identity.lastSeen);
    const onScreen = this.now - lastSeenMs <= ON_SCREEN_WITHIN_MS;
    return html`<article class="card" aria-labelledby="name">
      <header>
        ${identity.thumbnail
          ? html`<img class="thumb ${onScreen ? 'on-screen' : ''}" src=${identity.thumbnail} alt="" />`
          : html`<div class="thumb ${onScreen ? 'on-screen' : ''}" aria-hidden="true">?</div>`}
        <div>
          ${this.editing ? this.nameForm() : html`<h3 id="name"><span>${personLabel(identity)}</span>
              <button class="quiet rename" @click=${this.startEditing} aria-label=${`Rename ${personLabel(identity)}`} title="Rename">✎</button></h3>`}
          <p class="facts muted">
            #${identity.id} · ${identity.faces} faces (${identity.accepted} accepted) ·
            ${onScreen ? html`<strong class="on-screen">on screen</strong>` : `seen ${timeAgo(lastSeenMs, this.now)}`}
          </p>
          <div class="current" aria-label="Tags now">
            ${this.currentTags.length === 0
              ? html`<span class="muted">no tag now</span>`
              : this.currentTags.map((tag) => html`<span class="chip live" style=${styleMap({ '--tag-colour': tagColour(tag) })}>${tag}</span>`)}
          </div>
        </div>
      </header>
      <section>
        <h4>Timeline, last ${duration(this.windowMs)}</h4>
        <mien-tag-timeline .rows=${this.rows} .now=${this.now} .windowMs=${this.windowMs}></mien-tag-timeline>
      </section>
      <section>
        <h4>Appearance rate</h4>
        <mien-appearance-chart .appearance=${this.identity.appearance}></mien-appearance-chart>
      </section>
    </article>`;
  }

  private nameForm() {
    return html`<form id="name" @submit=${this.save} @keydown=${this.cancelOnEscape}>
      <label class="visually-hidden" for="name-input">Name of person ${this.identity.id}</label>
      <input id="name-input" name="name" type="text" maxlength="100" .value=${this.identity.name ?? ''} placeholder="Name (empty clears it)" />
      <button class="primary" type="submit">Save</button>
      <button type="button" @click=${this.stopEditing}>Cancel</button>
    </form>`;
  }

  private async startEditing() {
    this.editing = true;
    await this.updateComplete;
    this.nameInput?.focus();
    this.nameInput?.select();
  }

  /** Back to the name, with the focus on its rename button, where the keyboard left off. */
  private async stopEditing() {
    this.editing = false;
    await this.updateComplete;
    this.renameButton?.focus();
  }

  private cancelOnEscape(event: KeyboardEvent) {
    if (event.key === 'Escape') void this.stopEditing();
  }

  private save(event: SubmitEvent) {
    event.preventDefault();
    const name = this.nameInput?.value.trim() ?? '';
    void this.stopEditing();
    if (name !== (this.identity.name ?? '')) this.dispatchEvent(new IdentityRenameEvent(this.identity.id, name || null));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'mien-person-card': MienPersonCard;
  }
  interface HTMLElementEventMap {
    'identity-rename': IdentityRenameEvent;
  }
}
