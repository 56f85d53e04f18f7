import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FaceEvent, MienEvent } from '../../src/events/events.js';
import { IdentityStoreError } from '../../src/store/errors.js';
import { EventStore } from '../../src/store/event-store.js';
import { IdentityStore } from '../../src/store/identity-store.js';
import { openMienDatabase } from '../../src/store/mien-database.js';
import { scratchDir } from '../support/fixtures.js';

const at = (second: number) => new Date(Date.UTC(2026, 10, 27, 10, 0, second)).toISOString();
const face = (identity: number | null, second: number, accepted = true, tags?: string[]): FaceEvent => ({
  kind: 'face', stream: 'cam', pts: second, wallTime: at(second), identity, track: 1, box: [0, 0, 10, 10], accepted, reasons: accepted ? [] : ['blur'], sharpness: 5, yaw: 0, ...(tags && { tags }),
});

describe('EventStore', () => {
  it('pages through events filtered by stream, identity, tag, kind and time, and prunes old ones', () => {
    const db = openMienDatabase(join(scratchDir(), 'mien.db'));
    const store = new EventStore(db);
    const events: MienEvent[] = [
      face(1, 0), face(2, 1), face(1, 2),
      { kind: 'tag-start', stream: 'cam', pts: 2, wallTime: at(2), identity: 1, tag: 'smile', reference: 1, distance: 0.2 },
      { kind: 'tag-end', stream: 'cam', pts: 3, wallTime: at(3), identity: 1, tag: 'smile', reference: 1, startPts: 2, distance: 0.1 },
      { ...face(3, 4), stream: 'other' },
    ];
    store.append(events);
    expect(store.query({ identity: 1 }).events.map((e) => e.kind)).toEqual(['face', 'face', 'tag-start', 'tag-end']);
    expect(store.query({ tag: 'smile', kinds: ['tag-end'] }).events).toHaveLength(1);
    expect(store.query({ stream: 'other' }).events.map((e) => e.pts)).toEqual([4]);
    expect(store.query({ from: at(1), to: at(2) }).events).toHaveLength(3);
    const first = store.query({ limit: 4 });
    expect(first.events).toHaveLength(4);
    const second = store.query({ limit: 4, after: first.next });
    expect(second.events.map((e) => e.pts)).toEqual([3, 4]);
    expect(second.next).toBeUndefined();
    expect(store.prune(at(2))).toBe(2);
    expect(store.query().events).toHaveLength(4);
    db.close();
  });
});

describe('faces attributed to a person after they were told', () => {
  it('are found under that person in the store, counted as their faces but not in their appearance rates', () => {
    const db = openMienDatabase(join(scratchDir(), 'mien.db'));
    const events = new EventStore(db);
    const identities = new IdentityStore(db);
    const waiting = [face(null, 0), face(null, 1), { ...face(null, 1), track: 2 }, { ...face(null, 2), stream: 'other' }];
    const attributed: MienEvent = { kind: 'identity-attributed', stream: 'cam', pts: 2, wallTime: at(2), identity: 5, track: 1, fromPts: 0, toPts: 1, faces: 2, accepted: 2 };
    const later = face(5, 2, true, ['smile']);
    events.append([...waiting, attributed, later]);
    for (const e of [...waiting, later]) identities.recordFace(e);
    identities.recordAttributed(attributed);
    expect(events.query({ identity: 5, kinds: ['face'] }).events.map((e) => [e.pts, (e as FaceEvent).identity])).toEqual([[0, 5], [1, 5], [2, 5]]);
    // Another track at the same time, and another stream, stay without a person.
    expect(events.query({ kinds: ['face'] }).events.filter((e) => (e as FaceEvent).identity === null)).toHaveLength(2);
    expect(identities.get(5)).toMatchObject({ faces: 3, accepted: 1, appearance: { smile: 1 } });
    db.close();
  });
});

describe('IdentityStore', () => {
  it('counts faces and tags into appearance rates, renames and merges, and survives a restart', () => {
    const path = join(scratchDir(), 'mien.db');
    let db = openMienDatabase(path);
    let store = new IdentityStore(db);
    store.recordFace(face(1, 0, true, ['smile']));
    store.recordFace(face(1, 1, true));
    store.recordFace(face(1, 2, false));
    store.recordFace(face(2, 3, true, ['smile']));
    store.recordFace(face(null, 4));
    expect(store.list().map(({ id, faces, accepted, appearance }) => ({ id, faces, accepted, appearance }))).toEqual([
      { id: 1, faces: 3, accepted: 2, appearance: { smile: 0.5 } },
      { id: 2, faces: 1, accepted: 1, appearance: { smile: 1 } },
    ]);
    expect(store.rename(1, '  Ana ').name).toBe('Ana');
    expect(() => store.rename(9, 'x')).toThrow(IdentityStoreError);
    db.close();

    db = openMienDatabase(path);
    store = new IdentityStore(db);
    const merged = store.merge(1, 2);
    expect(merged).toMatchObject({ id: 1, name: 'Ana', faces: 4, accepted: 3, appearance: { smile: 2 / 3 }, firstSeen: at(0), lastSeen: at(3) });
    expect(store.list().map((i) => i.id)).toEqual([1]);
    expect(store.count()).toBe(1);
    // Faces still arriving under the merged id count for the survivor.
    store.recordFace(face(2, 5, true));
    expect(store.get(2)).toMatchObject({ id: 1, faces: 5 });
    expect(() => store.merge(1, 2)).toThrow(/already one/);
    expect(store.highestId()).toBe(2);
    db.close();
  });
});
