// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import '../src/elements/mien-app.js';
import type { MienApp } from '../src/elements/mien-app.js';
import { FaceReferenceEvent } from '../src/elements/mien-person-card.js';
import { ReferenceSubmitEvent } from '../src/elements/mien-reference-form.js';
import { identity, reference, T0, tagStart } from './builders.js';
import { FakeSocket } from './fake-socket.js';
import { settle, shadow, textOf } from './mount.js';

const TOKEN = 'right-token-0123456789';

/** The server as fetch sees it: routes to answers, and every request it got. */
class FakeServer {
  up = true;
  readonly requests: { method: string; url: string; authorization?: string }[] = [];
  readonly routes = new Map<string, () => Response>([
    ['GET /readyz', () => Response.json({ status: 'ok' })],
    ['GET /api/streams', () => Response.json({ streams: [] })],
    ['GET /api/identities', () => Response.json({ identities: [identity(0, { lastSeen: new Date(T0).toISOString() })] })],
    ['GET /api/references', () => Response.json({ references: [reference(1)] })],
    ['GET /api/events', () => Response.json({ events: [tagStart(0, 'smile', 1)] })],
  ]);

  fetch = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const method = init.method ?? 'GET';
    const authorization = (init.headers as Record<string, string> | undefined)?.authorization;
    this.requests.push({ method, url, ...(authorization && { authorization }) });
    if (!this.up) throw new TypeError('Failed to fetch');
    const route = this.routes.get(`${method} ${new URL(url, 'http://mien.test').pathname}`);
    return route ? route() : Response.json({ error: 'no such resource' }, { status: 404 });
  };
}

/** Playing the server's WebSocket: refuses without the right token, else subscribes. */
function answerSocket(): FakeSocket {
  const socket = FakeSocket.latest;
  if (new URL(socket.url).searchParams.get('token') !== TOKEN) {
    socket.serverClosed();
  } else {
    socket.accept();
    socket.message({ type: 'subscribed', filter: {} });
  }
  return socket;
}

let server: FakeServer;
let app: MienApp;

async function open(path = '/'): Promise<MienApp> {
  history.replaceState(null, '', path);
  app = document.createElement('mien-app');
  document.body.append(app);
  await app.updateComplete;
  return app;
}

const text = () => textOf(shadow(app));
const status = () => textOf(shadow(shadow(app).querySelector('mien-connection-status')!).querySelector('[role="status"]')!);

describe('mien-app', () => {
  beforeEach(() => {
    server = new FakeServer();
    vi.stubGlobal('fetch', server.fetch);
    vi.stubGlobal('WebSocket', FakeSocket);
    FakeSocket.made.length = 0;
    localStorage.clear();
  });
  afterEach(() => {
    app?.remove();
    vi.unstubAllGlobals();
  });

  it('asks for the token when the server refuses the live events, then goes live with it and keeps it', async () => {
    await open();
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Token needed'));
    expect(text()).toContain('This server needs its access token.');

    const banner = shadow(app).querySelector('mien-connection-banner')!;
    shadow(banner).querySelector('input')!.value = TOKEN;
    shadow(banner).querySelector('form')!.requestSubmit();
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Live'));
    expect(localStorage.getItem('mien.token')).toBe(TOKEN);
    // The history of tag segments is loaded once live.
    await vi.waitFor(() => expect(server.requests.some((r) => r.url.startsWith('/api/events?kind=tag-start&kind=tag-end&kind=identity-merged'))).toBe(true));
  });

  it('says when the stored token is refused, and forgets it when asked', async () => {
    localStorage.setItem('mien.token', 'wrong-token-0123456789');
    await open();
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Token refused'));
    expect(text()).toContain('The server refused this token.');
    [...shadow(app).querySelectorAll('button')].find((b) => textOf(b) === 'Forget token')!.click();
    expect(localStorage.getItem('mien.token')).toBeNull();
  });

  it('shows the server down, keeps the last data, and reconnects by itself once it answers again', async () => {
    localStorage.setItem('mien.token', TOKEN);
    await open('/expressions');
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Live'));
    await vi.waitFor(() => expect(shadow(shadow(app).querySelector('mien-references-view')!).querySelectorAll('mien-reference-card')).toHaveLength(1));

    server.up = false;
    FakeSocket.latest.serverClosed();
    await vi.waitFor(() => expect(status()).toBe('Server unreachable'));
    expect(text()).toContain("Mien's server at localhost:3000 does not answer.");
    expect(shadow(app).querySelector('main')!.classList.contains('stale')).toBe(true);
    expect(shadow(shadow(app).querySelector('mien-references-view')!).querySelectorAll('mien-reference-card')).toHaveLength(1);

    const socketsWhileDown = FakeSocket.made.length;
    server.up = true;
    // The next poll (streams, each second) gets through: the page reconnects at once.
    await vi.waitFor(() => expect(FakeSocket.made.length).toBeGreaterThan(socketsWhileDown), { timeout: 3000 });
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Live'));
  });

  it('puts live tag events on the person’s timeline, and moves between views by its links', async () => {
    localStorage.setItem('mien.token', TOKEN);
    await open();
    const socket = answerSocket();
    const peopleLink = [...shadow(app).querySelectorAll('nav a')].find((a) => textOf(a).startsWith('People'))!;
    peopleLink.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
    await vi.waitFor(() => expect(location.pathname).toBe('/people'));
    expect(peopleLink.getAttribute('aria-current')).toBe('page');

    socket.message({ type: 'event', event: tagStart(0, 'grin', 5, { wallTime: new Date().toISOString() }) });
    await vi.waitFor(() => {
      const card = shadow(shadow(app).querySelector('mien-people-view')!).querySelector('mien-person-card');
      expect(card?.rows[0]?.segments.map((s) => s.tag)).toEqual(expect.arrayContaining(['grin']));
      expect(card?.currentTags).toEqual(['grin']);
    });
  });

  it('uploads a reference with the token, and shows the token form when the server refuses it', async () => {
    localStorage.setItem('mien.token', TOKEN);
    await open('/expressions');
    answerSocket();
    const view = () => shadow(app).querySelector('mien-references-view')!;
    await vi.waitFor(() => expect(view()).not.toBeNull());

    server.routes.set('POST /api/references', () => Response.json(reference(2, { tags: ['grin'] }), { status: 201 }));
    const picture = new File(['jpeg'], 'grin.jpg', { type: 'image/jpeg' });
    view().dispatchEvent(new ReferenceSubmitEvent({ picture, tags: ['grin'] }));
    await vi.waitFor(() => expect(view().upload).toEqual({ status: 'added', reference: 2 }));
    expect(view().references.map((r) => r.id)).toEqual([1, 2]);
    expect(server.requests.find((r) => r.method === 'POST')).toEqual({ method: 'POST', url: '/api/references?tag=grin', authorization: `Bearer ${TOKEN}` });

    server.routes.set('POST /api/references', () => Response.json({ error: 'this needs the bearer token' }, { status: 401 }));
    view().dispatchEvent(new ReferenceSubmitEvent({ picture, tags: ['grin'] }));
    await vi.waitFor(() => expect(status()).toBe('Token refused'));
    expect(view().upload.status).toBe('failed');
  });

  it("uses a person's face as a reference: a refusal shows on their card, and what was added is outlined in the expressions view", async () => {
    localStorage.setItem('mien.token', TOKEN);
    await open('/people');
    answerSocket();
    await vi.waitFor(() => expect(status()).toBe('Live'));
    const card = () => shadow(shadow(app).querySelector('mien-people-view')!).querySelector('mien-person-card')!;
    await vi.waitFor(() => expect(card()).not.toBeNull());

    server.routes.set('POST /api/identities/0/reference', () => Response.json({ error: 'no face of identity 0 on screen lately' }, { status: 404 }));
    card().dispatchEvent(new FaceReferenceEvent(0, { tags: ['smirk'] }));
    await vi.waitFor(() => expect(card().faceReference).toEqual({ status: 'failed', message: 'no face of identity 0 on screen lately' }));
    // The card says it; the page stays live and raises no notice of its own.
    expect(status()).toBe('Live');
    expect(text()).not.toContain('failed');

    const added = reference(5, { tags: ['smirk'], rest: 'own-track', threshold: 0.7 });
    server.routes.set('POST /api/identities/0/reference', () => Response.json(added, { status: 201 }));
    card().dispatchEvent(new FaceReferenceEvent(0, { tags: ['smirk'], threshold: 0.7 }));
    await vi.waitFor(() => expect(card().faceReference).toEqual({ status: 'added', reference: added }));
    expect(server.requests.filter((r) => r.method === 'POST').at(-1)).toEqual({
      method: 'POST',
      url: '/api/identities/0/reference?tag=smirk&threshold=0.7',
      authorization: `Bearer ${TOKEN}`,
    });

    // The card's link to the expressions view stays in the page, and the new one is outlined there.
    await settle(card());
    shadow(card()).querySelector('.use-face a')!.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, cancelable: true, button: 0 }));
    await vi.waitFor(() => expect(location.pathname).toBe('/expressions'));
    const view = shadow(app).querySelector('mien-references-view')!;
    await settle(view);
    const outlined = [...shadow(view).querySelectorAll('mien-reference-card')].filter((c) => c.highlighted);
    expect(outlined.map((c) => c.reference.id)).toEqual([5]);
    expect(textOf(outlined[0])).toContain('read against: their own face on screen');
  });
});
