import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../support/fixtures.js';
import { serverForTests } from '../support/test-server.js';
import { api, apiProblems, until } from '../support/server.js';

const running = serverForTests();

const picture = (path: string) => new Blob([new Uint8Array(readFileSync(fixture(path)))], { type: 'image/jpeg' });

describe('custom expressions and what they are read against', () => {
  it('reads an uploaded photo against a second photo of the same person at rest, sent as a form', async () => {
    const form = new FormData();
    form.set('face', picture('faces/london/004_08.jpg'), '004_08.jpg');
    form.set('rest', picture('faces/london/004_03.jpg'), '004_03.jpg');
    const res = await fetch(`${running.server.url}/api/references?tag=smile`, { method: 'POST', body: form });
    const body = (await res.json()) as { rest: string; matched: boolean };
    expect(res.status).toBe(201);
    expect(apiProblems('Reference', body)).toEqual([]);
    expect(body).toMatchObject({ rest: 'rest-photo', matched: true });
    // One photo alone is read against people in general.
    const alone = await api(running.server.url).send('POST', '/api/references?tag=smile', new Uint8Array(readFileSync(fixture('faces/london/004_08.jpg'))), { 'content-type': 'image/jpeg' });
    expect(alone.body).toMatchObject({ rest: 'population' });
  });

  it('refuses a form without the picture, a text field for it, and a rest photo with no face, adding nothing', async () => {
    const before = ((await api(running.server.url).get('/api/references')).body as { references: unknown[] }).references.length;
    const post = (form: FormData) => fetch(`${running.server.url}/api/references?tag=x`, { method: 'POST', body: form });
    const empty = new FormData();
    empty.set('rest', picture('faces/london/004_03.jpg'), 'rest.jpg');
    expect([(await post(empty)).status, ((await (await post(empty)).json()) as { error: string }).error]).toEqual([400, expect.stringMatching(/file named "face"/)]);
    const text = new FormData();
    text.set('face', 'not a file');
    expect((await post(text)).status).toBe(400);
    const faceless = new FormData();
    faceless.set('face', picture('faces/london/004_08.jpg'), 'face.jpg');
    faceless.set('rest', new Blob([new Uint8Array(readFileSync(fixture('video/cremad-1001-six-emotions.segments.csv')))], { type: 'text/csv' }), 'rest.csv');
    expect((await post(faceless)).status).toBe(415);
    expect(((await api(running.server.url).get('/api/references')).body as { references: unknown[] }).references).toHaveLength(before);
  });

  it("makes a reference from a person's latest face on screen, read against their own resting face, and tags them with it", async () => {
    const http = api(running.server.url);
    expect((await http.send('POST', '/api/identities/0/reference?tag=look')).status).toBe(404);
    expect((await http.send('POST', '/api/streams', { kind: 'still', path: 'faces/london/020_08.jpg', id: 'poster' })).status).toBe(201);
    const people = async () => ((await http.get('/api/identities')).body as { identities: { id: number; faces: number; appearance: Record<string, number> }[] }).identities;
    await until(async () => (await people()).some((p) => p.faces >= 5), 60_000, 200);
    const [person] = await people();
    const added = await http.send('POST', `/api/identities/${person.id}/reference?tag=look&threshold=0.3`);
    expect(added.status).toBe(201);
    expect(apiProblems('Reference', added.body)).toEqual([]);
    expect(added.body).toMatchObject({ tags: ['look'], rest: 'own-track', matched: true, source: expect.stringMatching(new RegExp(`identity ${person.id}, poster at`)) });
    await until(async () => ((await people()).find((p) => p.id === person.id)?.appearance.look ?? 0) > 0, 60_000, 200);
    expect((await http.send('POST', `/api/identities/${person.id}/reference`)).status).toBe(400);
    expect((await http.send('POST', '/api/identities/999/reference?tag=x')).status).toBe(404);
    expect((await http.send('DELETE', '/api/streams/poster')).status).toBe(204);
  }, 120_000);
});
