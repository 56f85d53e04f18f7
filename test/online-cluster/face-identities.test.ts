import { describe, expect, it } from 'vitest';
import { FaceIdentities } from '../../src/online-cluster/face-identities.js';
import { IncrementalDbscan } from '../../src/online-cluster/incremental-dbscan.js';
import { PersonGallery, type PersonFaces } from '../../src/online-cluster/person-gallery.js';
import { l2Normalise } from '../../src/math/vector.js';
import type { PersonEvent } from '../../src/online-cluster/types.js';

const near = (axis: number, wobble: number) => {
  const v = new Float32Array(4);
  v[axis] = 1;
  v[(axis + 1) % 4] = wobble;
  return l2Normalise(v);
};

describe('FaceIdentities', () => {
  it('asks for an embedding for new tracks and stale ones only', () => {
    const ids = new FaceIdentities(new IncrementalDbscan({ dimension: 4, eps: 0.1, minPts: 2, capacity: 100 }), { refreshSeconds: 1 });
    expect(ids.needsEmbedding('a#1', 0)).toBe(true);
    ids.add('a#1', 0, near(0, 0), null);
    expect(ids.needsEmbedding('a#1', 0.5)).toBe(false);
    expect(ids.needsEmbedding('a#1', 1.0)).toBe(true);
    expect(ids.needsEmbedding('a#2', 0.5)).toBe(true);
  });

  it('gives a track its identity once its face stops being noise, and follows merges', () => {
    const clustering = new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 2, capacity: 100 });
    const ids = new FaceIdentities(clustering);
    ids.add('s#1', 0, near(0, 0), null);
    expect(ids.identityOf('s#1')).toBeUndefined();
    const events = ids.add('s#2', 0.1, near(0, 0.05), null);
    expect(events).toEqual([{ type: 'created', identity: expect.any(Number) }]);
    const first = ids.identityOf('s#1');
    expect(first).toBeDefined();
    expect(ids.identityOf('s#2')).toBe(first);
    expect(ids.identityOf('never-seen')).toBeUndefined();
  });

  it("attributes a track's faces told without a person to that person once their cluster forms, once", () => {
    const ids = new FaceIdentities(new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 3, capacity: 100 }), { refreshSeconds: 1 });
    // Frames at 5 fps: a new embedding each second; the cluster forms with the third (pts 2).
    const told: (number | undefined)[] = [];
    const attributions: PersonEvent[] = [];
    for (let frame = 0; frame <= 15; frame++) {
      const pts = frame / 5;
      if (ids.needsEmbedding('s#1', pts)) ids.add('s#1', pts, near(0, pts / 100), null);
      const { identity, attributed } = ids.identify('s#1', pts, frame !== 3);
      told.push(identity);
      if (attributed) attributions.push(attributed);
    }
    const person = told.at(-1);
    expect(person).toBeDefined();
    expect(told.slice(0, 10).every((id) => id === undefined)).toBe(true);
    expect(told.slice(10).every((id) => id === person)).toBe(true);
    expect(attributions).toEqual([{ type: 'attributed', identity: person, track: 's#1', fromPts: 0, toPts: 1.8, faces: 10, accepted: 9 }]);
  });

  it("forgets a stream's faces waiting for a person with its tracks", () => {
    const ids = new FaceIdentities(new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 3, capacity: 100 }));
    ids.identify('a#1', 0, false);
    ids.identify('b#1', 0, false);
    expect(ids.trackCount('a#')).toBe(1);
    ids.forgetTracks('a#');
    expect(ids.trackCount('a#')).toBe(0);
    expect(ids.trackCount()).toBe(1);
  });

  it('keeps the last known identity of a track whose point left the window', () => {
    const clustering = new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 2, capacity: 3 });
    const ids = new FaceIdentities(clustering);
    ids.add('s#1', 0, near(0, 0), null);
    ids.add('s#1', 1, near(0, 0.01), null);
    const person = ids.identityOf('s#1');
    ids.add('s#9', 2, near(2, 0), null);
    ids.add('s#9', 3, near(2, 0.01), null);
    ids.add('s#9', 4, near(2, 0.02), null);
    expect(ids.identityOf('s#1')).toBe(person);
  });
});

describe('identity ids across restarts', () => {
  it('continue from the first id given, never reusing an earlier one', () => {
    const clustering = new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 1, capacity: 10, firstIdentity: 42 });
    expect(clustering.insert(near(0, 0), 0, null).events).toEqual([{ type: 'created', identity: 42 }]);
    expect(clustering.insert(near(2, 0), 1, null).events).toEqual([{ type: 'created', identity: 43 }]);
  });
});

describe('people beyond the clustering’s window', () => {
  const window = () => new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 2, capacity: 4 });

  it('finds a person again by their kept faces once their points left the window', () => {
    const ids = new FaceIdentities(window());
    ids.add('a#1', 0, near(0, 0), null);
    const [created] = ids.add('a#1', 1, near(0, 0.01), null);
    expect(created).toEqual({ type: 'created', identity: 0 });
    // Someone else fills the window: the first person's points are gone from it.
    for (let t = 2; t < 7; t++) ids.add('b#1', t, near(2, t / 1000), null);
    expect(ids.identityOf('b#1')).toBe(1);
    // The first person comes back as a new track: the same person, no new one announced.
    expect(ids.add('a#2', 10, near(0, 0.02), null)).toEqual([]);
    expect(ids.add('a#2', 11, near(0, 0.015), null)).toEqual([]);
    expect(ids.identityOf('a#2')).toBe(0);
  });

  it('gives a new person a new id, above every known one', () => {
    const known = new PersonGallery({ matchDistance: 0.05 }, [{ person: 7, faces: [near(0, 0)] }]);
    const ids = new FaceIdentities(window(), {}, known);
    ids.add('a#1', 0, near(2, 0), null);
    expect(ids.add('a#1', 1, near(2, 0.01), null)).toEqual([{ type: 'created', identity: 8 }]);
    ids.add('b#1', 2, near(0, 0.01), null);
    expect(ids.add('b#1', 3, near(0, 0.02), null)).toEqual([]);
    expect(ids.identityOf('b#1')).toBe(7);
  });

  it('merges people whose clusters merge, the older id living on, and keeps their faces under it', () => {
    const ids = new FaceIdentities(new IncrementalDbscan({ dimension: 4, eps: 0.05, minPts: 2, capacity: 100 }));
    ids.add('a#1', 0, near(0, 0), null);
    ids.add('a#1', 1, near(0, 0.001), null);
    ids.add('b#1', 2, near(0, 0.4), null);
    ids.add('b#1', 3, near(0, 0.401), null);
    expect([ids.identityOf('a#1'), ids.identityOf('b#1')]).toEqual([0, 1]);
    // Faces in between join the two.
    const events = [0.1, 0.2, 0.3].flatMap((w, i) => ids.add(`c#${i}`, 4 + i, near(0, w), null));
    expect(events).toContainEqual({ type: 'merged', identity: 0, absorbed: [1] });
    expect([ids.identityOf('a#1'), ids.identityOf('b#1')]).toEqual([0, 0]);
    expect(ids.gallery.size).toBe(1);
  });
});

describe('PersonGallery', () => {
  it('tells the store of every person and face it keeps, and of merges', () => {
    const saved = new Map<number, number>();
    const store = { save: (p: PersonFaces) => saved.set(p.person, p.faces.length), remove: (person: number) => saved.delete(person) };
    const gallery = new PersonGallery({ matchDistance: 0.1, facesPerPerson: 2, minSpread: 0.001 }, [], store);
    const a = gallery.add(near(0, 0));
    const b = gallery.add(near(2, 0));
    gallery.remember(a, near(0, 0)); // the same face: nothing new
    expect(saved.get(a)).toBe(1);
    gallery.remember(a, near(0, 0.1));
    gallery.remember(a, near(0, 0.2));
    expect(saved.get(a)).toBe(2);
    expect(gallery.find(near(0, 0.2))).toBe(a);
    expect(gallery.find(near(1, 0))).toBeUndefined();
    gallery.merge(a, b);
    expect([...saved]).toEqual([[a, 2]]);
    expect(gallery.find(near(2, 0))).toBe(a);
  });

  it('learns and forgets another gallery\'s people without telling its store, and hands out ids it is given', () => {
    const saved: number[] = [];
    const blocks = [1000, 1001];
    const gallery = new PersonGallery({ matchDistance: 0.1, newPerson: () => blocks.shift()! }, [], { save: (p) => saved.push(p.person), remove: () => {} });
    gallery.learn({ person: 7, faces: [near(0, 0)] });
    // Another worker's person is found here, and is not saved back.
    expect(gallery.find(near(0, 0.05))).toBe(7);
    expect(saved).toEqual([]);
    // New people take the ids handed out, not the next after the learned ones.
    expect(gallery.add(near(2, 0))).toBe(1000);
    expect(gallery.add(near(4, 0))).toBe(1001);
    gallery.forget(7);
    expect(gallery.find(near(0, 0.05))).toBeUndefined();
    expect(saved).toEqual([1000, 1001]);
  });
});
