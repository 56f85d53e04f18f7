import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient, ApiError, ServerUnreachableError } from '../src/api/api-client.js';

/** Stubs fetch with one answer; returns the mock to read the requests from. */
function answer(status: number, body?: unknown) {
  const fetchMock = vi.fn(async (_url: string, _init?: RequestInit) => new Response(body === undefined ? null : JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('ApiClient', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('sends the token with every request, reads included, and none when there is none', async () => {
    const api = new ApiClient('http://mien', () => 'secret-token-0123456789');
    let fetchMock = answer(200, { streams: [] });
    expect(await api.streams()).toEqual([]);
    expect(fetchMock.mock.calls[0][0]).toBe('http://mien/api/streams');
    expect(fetchMock.mock.calls[0][1]?.headers).toEqual({ authorization: 'Bearer secret-token-0123456789' });
    fetchMock = answer(200, { streams: [] });
    await new ApiClient('http://mien', () => undefined).streams();
    expect(fetchMock.mock.calls[0][1]?.headers).toEqual({});

    fetchMock = answer(200, { id: 3, name: 'Ana' });
    await api.renameIdentity(3, 'Ana');
    const [url, init] = fetchMock.mock.calls[0];
    expect([url, init?.method, init?.body]).toEqual(['http://mien/api/identities/3', 'PATCH', '{"name":"Ana"}']);
    expect(init?.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer secret-token-0123456789' });
  });

  it('fetches pictures with the token, and says why when there is none', async () => {
    const api = new ApiClient('', () => 'secret-token-0123456789');
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff]);
    const fetchMock = vi.fn(async () => new Response(jpeg, { status: 200, headers: { 'content-type': 'image/jpeg' } }));
    vi.stubGlobal('fetch', fetchMock);
    const blob = await api.picture('/api/identities/4/thumbnail.jpg');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(jpeg);
    expect(fetchMock.mock.calls[0]).toEqual(['/api/identities/4/thumbnail.jpg', expect.objectContaining({ headers: { authorization: 'Bearer secret-token-0123456789' } })]);
    answer(404, { error: 'no thumbnail of identity 4 yet' });
    await expect(api.picture('/api/identities/4/thumbnail.jpg')).rejects.toEqual(new ApiError(404, 'no thumbnail of identity 4 yet'));
  });

  it('uploads a reference as the raw picture, with its tags and threshold in the query', async () => {
    const fetchMock = answer(201, { id: 1 });
    const picture = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    await new ApiClient('', () => undefined).addReference({ picture, tags: ['smile', 'big grin'], threshold: 0.4 });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/references?tag=smile&tag=big+grin&threshold=0.4');
    expect(init?.body).toBe(picture);
    expect(init?.headers).toEqual({ 'content-type': 'image/jpeg' });
  });

  it('uploads a reference with a photo at rest as a form of two files, leaving its type to fetch', async () => {
    const fetchMock = answer(201, { id: 1 });
    const picture = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' });
    const rest = new Blob([new Uint8Array([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' });
    await new ApiClient('', () => 'secret-token-0123456789').addReference({ picture, rest, tags: ['smile'] });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('/api/references?tag=smile');
    expect(init?.headers).toEqual({ authorization: 'Bearer secret-token-0123456789' });
    const form = init?.body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect([...form.keys()]).toEqual(['face', 'rest']);
    expect(new Uint8Array(await (form.get('face') as Blob).arrayBuffer())).toEqual(new Uint8Array([0xff, 0xd8, 0xff]));
    expect(new Uint8Array(await (form.get('rest') as Blob).arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
    // As fetch sends it: multipart, with its boundary.
    expect(new Request('http://mien/', { method: 'POST', body: form }).headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("uses a person's face on screen as a reference: no body, the token, and the server's sentence when refused", async () => {
    const api = new ApiClient('', () => 'secret-token-0123456789');
    const fetchMock = answer(201, { id: 9, rest: 'own-track' });
    expect(await api.addReferenceFromFace(4, { tags: ['smile', 'big grin'], threshold: 0.7 })).toEqual({ id: 9, rest: 'own-track' });
    const [url, init] = fetchMock.mock.calls[0];
    expect([url, init?.method, init?.body]).toEqual(['/api/identities/4/reference?tag=smile&tag=big+grin&threshold=0.7', 'POST', undefined]);
    expect(init?.headers).toEqual({ authorization: 'Bearer secret-token-0123456789' });
    answer(404, { error: 'no face of identity 4 on screen lately' });
    await expect(api.addReferenceFromFace(4, { tags: ['smile'] })).rejects.toEqual(new ApiError(404, 'no face of identity 4 on screen lately'));
  });

  it("asks for events by kind and page", async () => {
    const fetchMock = answer(200, { events: [] });
    await new ApiClient('', () => undefined).events({ kinds: ['tag-start', 'tag-end'], from: '2026-11-01T10:00:00.000Z', after: 7, limit: 1000 });
    expect(fetchMock.mock.calls[0][0]).toBe('/api/events?kind=tag-start&kind=tag-end&from=2026-11-01T10%3A00%3A00.000Z&after=7&limit=1000');
  });

  it("throws the server's own sentence with its status, and tells an unreachable server apart", async () => {
    const api = new ApiClient('', () => undefined);
    answer(422, { error: 'no face found in the upload; nothing was added' });
    await expect(api.addReference({ picture: new Blob(['x']), tags: ['smile'] })).rejects.toEqual(new ApiError(422, 'no face found in the upload; nothing was added'));
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(api.streams()).rejects.toBeInstanceOf(ServerUnreachableError);
    expect(await api.readiness()).toBe('unreachable');
    answer(503, { status: 'starting' });
    expect(await api.readiness()).toBe('starting');
  });

  it('puts the token in the WebSocket address, where a browser cannot set headers', () => {
    const api = new ApiClient('', () => 'secret-token-0123456789');
    expect(api.eventsSocketUrl(new URL('https://mien.example/people'))).toBe('wss://mien.example/events?token=secret-token-0123456789');
    expect(new ApiClient('', () => undefined).eventsSocketUrl(new URL('http://127.0.0.1:8080/'))).toBe('ws://127.0.0.1:8080/events');
  });
});
