import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../src/server/api-types.js';
import { fixture, scratchDir } from '../support/fixtures.js';
import { api, apiProblems, until } from '../support/server.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from '../support/server-process.js';

const TOKEN = 'restart-test-token-0123456789';

describe('streams come back after a restart, with no request', () => {
  const dataDir = scratchDir();
  const configFile = join(scratchDir(), 'mien.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      token: TOKEN,
      mediaRoot: fixture('video'),
      streams: [
        { kind: 'test', id: 'desk', pattern: 'ball' },
        { kind: 'whip', id: 'studio' },
      ],
    }),
  );
  const start = () => startServerProcess(['--port', '0', '--data', dataDir, '--config', configFile]);
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServerProcess(server.process);
  });

  const streams = async (): Promise<Map<string, StreamInfo>> => {
    const { status, body } = await api(server!.url, TOKEN).get('/api/streams');
    expect(status).toBe(200);
    expect(apiProblems('StreamList', body)).toEqual([]);
    return new Map((body as { streams: StreamInfo[] }).streams.map((s) => [s.id, s]));
  };
  /** Every stream playing has analysed a frame: the picture flows again. */
  const analysing = async (ids: readonly string[]) => {
    const now = await streams();
    return ids.every((id) => now.get(id)?.status === 'playing' && now.get(id)!.framesAnalysed > 0);
  };

  it('runs the config file’s streams and keeps those added over the API, through a clean stop and a crash', async () => {
    server = await start();
    const client = api(server.url, TOKEN);
    expect((await client.send('POST', '/api/streams', { kind: 'file', id: 'clip', path: 'cremad-1001-six-emotions.mp4', loop: true })).status).toBe(201);
    expect((await client.send('POST', '/api/streams', { kind: 'test', id: 'lobby', pattern: 'snow' })).status).toBe(201);
    expect((await client.send('POST', '/api/streams', { kind: 'whip', id: 'guest' })).status).toBe(201);
    // A file played once is done when it ends: it is not played again after a restart.
    expect((await client.send('POST', '/api/streams', { kind: 'file', id: 'once', path: 'cremad/1001_DFA_HAP_XX.flv' })).status).toBe(201);
    await until(async () => (await streams()).get('once')?.status === 'ended', 60_000);
    await until(() => analysing(['desk', 'clip', 'lobby']), 60_000);

    let before = await streams();
    expect(Object.fromEntries([...before].map(([id, s]) => [id, s.origin]))).toEqual({ desk: 'config', studio: 'config', clip: 'api', lobby: 'api', guest: 'api', once: 'api' });
    // The config file's streams are changed in the config file.
    const refused = await client.send('DELETE', '/api/streams/desk');
    expect(refused.status).toBe(409);
    expect((refused.body as { error: string }).error).toMatch(/declared in the config file/);

    for (const stop of ['SIGTERM', 'SIGKILL'] as const) {
      await stopServerProcess(server.process, stop);
      server = await start();
      const listening = Date.now();
      await until(() => analysing(['desk', 'clip', 'lobby']), 10_000);
      expect(Date.now() - listening).toBeLessThan(10_000);
      const after = await streams();
      expect([...after.keys()].sort()).toEqual(['clip', 'desk', 'guest', 'lobby', 'studio']);
      for (const [id, stream] of after) expect([id, stream.origin, stream.kind]).toEqual([id, before.get(id)!.origin, before.get(id)!.kind]);
      // The publishers' slots wait for them at the same address.
      expect(after.get('studio')!.status).toBe('connecting');
      expect(after.get('guest')!.source).toMatch(/\/guest$/);
      before = after;
    }

    // Removed over the API: gone for good.
    expect((await api(server.url, TOKEN).send('DELETE', '/api/streams/lobby')).status).toBe(204);
    await stopServerProcess(server.process);
    server = await start();
    await until(() => analysing(['desk', 'clip']), 10_000);
    expect([...(await streams()).keys()].sort()).toEqual(['clip', 'desk', 'guest', 'studio']);
  }, 240_000);

  it('lists a kept stream that no longer opens as failed, with why, and lets it be removed', async () => {
    // The operator moved the media root: the kept file is not in it.
    writeFileSync(configFile, JSON.stringify({ token: TOKEN, mediaRoot: fixture('video/grid'), streams: [{ kind: 'test', id: 'desk' }] }));
    await stopServerProcess(server!.process);
    server = await start();
    const clip = (await streams()).get('clip')!;
    expect([clip.status, clip.origin]).toEqual(['failed', 'api']);
    expect(clip.reason).toBe(`not restored: no file "cremad-1001-six-emotions.mp4" in the media root`);
    expect(server.stderr()).toMatch(/the stream "clip" was not restored/);
    expect((await api(server.url, TOKEN).send('DELETE', '/api/streams/clip')).status).toBe(204);
    expect((await streams()).has('clip')).toBe(false);
  }, 120_000);
});

describe('people keep their ids and names after a restart', () => {
  const dataDir = scratchDir();
  const start = () => startServerProcess(['--port', '0', '--data', dataDir], { MIEN_TOKEN: TOKEN, MIEN_MEDIA_ROOT: fixture('video') });
  let server: ServerProcess | undefined;
  afterAll(async () => {
    if (server) await stopServerProcess(server.process);
  });

  interface Person {
    id: number;
    name: string | null;
    faces: number;
  }
  const people = async (): Promise<Person[]> => ((await api(server!.url, TOKEN).get('/api/identities')).body as { identities: Person[] }).identities;
  const eventsSince = async (from: string, kind: string): Promise<{ identity: number | null }[]> =>
    ((await api(server!.url, TOKEN).get(`/api/events?kind=${kind}&from=${encodeURIComponent(from)}&limit=1000`)).body as { events: { identity: number | null }[] }).events;

  it('finds the two people of the clip again under their ids and names', async () => {
    server = await start();
    const client = api(server.url, TOKEN);
    expect((await client.send('POST', '/api/streams', { kind: 'file', id: 'debate', path: 'two-people-cremad-grid.mp4', loop: true })).status).toBe(201);
    await until(async () => (await people()).filter((p) => p.faces >= 10).length >= 2, 90_000);
    const before = await people();
    expect(before.map((p) => p.id)).toHaveLength(2);
    const [first, second] = before;
    expect((await client.send('PATCH', `/api/identities/${first.id}`, { name: 'Ana' })).status).toBe(200);
    expect((await client.send('PATCH', `/api/identities/${second.id}`, { name: 'Ben' })).status).toBe(200);

    await stopServerProcess(server.process);
    server = await start();
    const restarted = new Date().toISOString();
    // The stream comes back by itself; both people are seen again.
    await until(async () => {
      const seen = new Set((await eventsSince(restarted, 'face')).map((e) => e.identity).filter((id) => id !== null));
      return seen.size >= 2;
    }, 90_000);
    const faces = await eventsSince(restarted, 'face');
    expect(new Set(faces.map((e) => e.identity).filter((id) => id !== null))).toEqual(new Set([first.id, second.id]));
    expect(await eventsSince(restarted, 'identity-created')).toEqual([]);
    const after = await people();
    expect(after.map((p) => [p.id, p.name])).toEqual([
      [first.id, 'Ana'],
      [second.id, 'Ben'],
    ]);
  }, 240_000);
});
