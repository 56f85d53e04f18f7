import { describe, expect, it } from 'vitest';
import type { FaceEvent, IdentityAttributedEvent, MienEvent } from '../../src/events/events.js';
import { serverForTests } from '../support/test-server.js';
import { api, until } from '../support/server.js';

const running = serverForTests();

describe('a person new to a live stream', () => {
  it('has their first faces, told before their cluster formed, attributed to them: in the store and in their counts', async () => {
    const http = api(running.server.url);
    const events = async (query: string) => ((await http.get(`/api/events?${query}&limit=1000`)).body as { events: MienEvent[] }).events;
    expect((await http.send('POST', '/api/streams', { kind: 'still', path: 'faces/london/020_08.jpg', id: 'poster' })).status).toBe(201);
    // Live, a batch holds the newest frame of a stream: one identity embedding a second, and three make a person.
    let attributed: IdentityAttributedEvent | undefined;
    await until(async () => (attributed = (await events('kind=identity-attributed'))[0] as IdentityAttributedEvent | undefined) !== undefined, 60_000, 200);
    expect((await http.send('DELETE', '/api/streams/poster')).status).toBe(204);
    const { identity, track, fromPts, toPts, faces } = attributed!;
    // Frames in analysis when the stream was removed still give their faces: read once none comes.
    let stored: FaceEvent[] = [];
    await until(async () => {
      const before = stored.length;
      stored = (await events('kind=face')) as FaceEvent[];
      return stored.length === before;
    }, 30_000, 1_000);
    const first = stored[0];
    expect([first.track, first.pts]).toEqual([track, fromPts]);
    const attributedFaces = stored.filter((f) => f.track === track && f.pts >= fromPts && f.pts <= toPts);
    expect(attributedFaces.length).toBe(faces);
    expect(faces).toBeGreaterThanOrEqual(2);
    expect(attributedFaces.every((f) => f.identity === identity)).toBe(true);
    expect(((await events(`identity=${identity}&kind=face`)) as FaceEvent[]).length).toBe(stored.filter((f) => f.identity === identity).length);
    const person = (await http.get(`/api/identities/${identity}`)).body as { faces: number };
    expect(person.faces).toBe(stored.filter((f) => f.identity === identity).length);
  }, 120_000);
});
