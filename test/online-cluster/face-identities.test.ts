import { describe, expect, it } from 'vitest';
import { FaceIdentities } from '../../src/online-cluster/face-identities.js';
import { IncrementalDbscan } from '../../src/online-cluster/incremental-dbscan.js';
import { l2Normalise } from '../../src/math/vector.js';

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
