import { describe, expect, it } from 'vitest';
import { IncrementalDbscan } from '../../src/online-cluster/index.js';
import { onCircle } from './embeddings.js';

/** Neighbours within 5.5 degrees on the unit circle: whole-degree gaps are never borderline. */
const EPS = 1 - Math.cos((5.5 * Math.PI) / 180);

function circleClustering(minPts = 2) {
  const dbscan = new IncrementalDbscan<string>({ dimension: 2, eps: EPS, minPts, capacity: 100 });
  let time = 0;
  /** Inserts a point at each angle (seen one second apart, thumbnail "<degrees>"), returning their ids and all events. */
  const add = (...degrees: number[]) => {
    const inserted = degrees.map((d) => dbscan.insert(onCircle(d), time++, `${d}`));
    return { points: inserted.map((i) => i.point), events: inserted.flatMap((i) => i.events) };
  };
  return { dbscan, add };
}

// Two groups 8 degrees apart, joined only through the point at 8 degrees.
const A = [0, 1, 2, 3, 4];
const BRIDGE = 8;
const B = [12, 13, 14];

describe('IncrementalDbscan identities', () => {
  it('creates a cluster once a point has minPts neighbours, the points themselves included', () => {
    const { dbscan, add } = circleClustering(3);
    expect(add(0, 1)).toEqual({ points: [0, 1], events: [] });
    expect(dbscan.points().map((p) => p.role)).toEqual(['noise', 'noise']);
    expect(add(2).events).toEqual([{ type: 'created', identity: 0 }]);
    expect(dbscan.points().map((p) => [p.role, p.identity])).toEqual([
      ['core', 0],
      ['core', 0],
      ['core', 0],
    ]);
  });

  it('merges clusters into the older id and says which ids became one', () => {
    const { dbscan, add } = circleClustering();
    expect(add(...A).events).toEqual([{ type: 'created', identity: 0 }]);
    expect(add(...B).events).toEqual([{ type: 'created', identity: 1 }]);
    expect(add(BRIDGE).events).toEqual([{ type: 'merged', identity: 0, absorbed: [1] }]);
    expect(new Set(dbscan.points().map((p) => p.identity))).toEqual(new Set([0]));
    expect(dbscan.identity(1)).toBeUndefined();
  });

  it('splits off the smaller part under a new id when the point joining them leaves, even if that part is older', () => {
    const { dbscan, add } = circleClustering();
    const { points, events } = add(BRIDGE, ...B, ...A);
    expect(events).toEqual([
      { type: 'created', identity: 0 },
      { type: 'created', identity: 1 },
      { type: 'merged', identity: 0, absorbed: [1] },
    ]);
    expect(dbscan.removeOldest()).toEqual([{ type: 'split', identity: 0, into: [2] }]);
    const [, b12, , , a0] = points;
    expect(dbscan.identityOf(a0)).toBe(0);
    expect(dbscan.identityOf(b12)).toBe(2);
  });

  it('dissolves a cluster whose core points all left, and never hands its id out again', () => {
    const { dbscan, add } = circleClustering();
    add(...A);
    const events = A.flatMap(() => dbscan.removeOldest());
    expect(events).toEqual([{ type: 'dissolved', identity: 0 }]);
    expect(dbscan.size).toBe(0);
    expect(add(...A).events).toEqual([{ type: 'created', identity: 1 }]);
  });

  it('reports the eviction of a full window before the insertion that caused it', () => {
    const dbscan = new IncrementalDbscan<string>({ dimension: 2, eps: EPS, minPts: 2, capacity: 3 });
    dbscan.insert(onCircle(0), 0, 'a');
    dbscan.insert(onCircle(1), 1, 'b');
    expect(dbscan.insert(onCircle(90), 2, 'c')).toEqual({ point: 2, identity: undefined, events: [] });
    // Evicting the point at 0 degrees leaves the one at 1 degree alone: cluster 0 is gone.
    expect(dbscan.insert(onCircle(91), 3, 'd')).toEqual({
      point: 3,
      identity: 1,
      events: [
        { type: 'dissolved', identity: 0 },
        { type: 'created', identity: 1 },
      ],
    });
    expect(dbscan.identityOf(0)).toBeUndefined();
  });

  it.each([
    ['inserted after its core neighbours', false],
    ['inserted before them', true],
  ])('puts a border point with its most similar core neighbour, the older one on ties (%s)', (_, borderFirst) => {
    // A border point at 0 degrees between cores at 4, 6, 7, 8 degrees on either side: equally similar.
    const cores = (side: number) => [4, 6, 7, 8].map((d) => side * d);
    for (const [first, second] of [
      [1, -1],
      [-1, 1],
    ]) {
      const { dbscan, add } = circleClustering(4);
      const border = borderFirst ? add(0).points[0] : undefined;
      const older = add(...cores(first)).points[0];
      add(...cores(second));
      const point = border ?? add(0).points[0];
      expect(dbscan.points().find((p) => p.point === point)?.role).toBe('border');
      expect(dbscan.identityOf(point)).toBe(dbscan.identityOf(older));
    }
  });

  it('puts a border point with the more similar of two core neighbours', () => {
    const { dbscan, add } = circleClustering(4);
    add(-4, -6, -7, -8);
    const nearer = add(3.5, 6, 7, 8).points[0];
    const border = add(0).points[0];
    expect(dbscan.identityOf(border)).toBe(dbscan.identityOf(nearer));
  });
});

describe('IncrementalDbscan summaries', () => {
  it('counts the faces in the window, keeps the seen times and picks the medoid and its thumbnail', () => {
    const { dbscan, add } = circleClustering();
    add(...A);
    expect(dbscan.identities()).toEqual([
      { identity: 0, faces: 5, firstSeen: 0, lastSeen: 4, medoid: onCircle(2), medoidPoint: 2, thumbnail: '2' },
    ]);
    dbscan.removeOldest();
    dbscan.removeOldest();
    // The seen times are history: they stay when the faces leave the window.
    expect(dbscan.identity(0)).toEqual({ identity: 0, faces: 3, firstSeen: 0, lastSeen: 4, medoid: onCircle(3), medoidPoint: 3, thumbnail: '3' });
  });

  it('gives a merged identity the seen times of both', () => {
    const { dbscan, add } = circleClustering();
    add(...B, ...A, BRIDGE);
    expect(dbscan.identities()).toMatchObject([{ identity: 0, faces: 9, firstSeen: 0, lastSeen: 8 }]);
  });
});

describe('IncrementalDbscan options and input', () => {
  it('rejects options that make no clustering', () => {
    const good = { dimension: 2, eps: 0.1, minPts: 2, capacity: 10 };
    for (const bad of [{ dimension: 0 }, { eps: 0 }, { eps: 2 }, { eps: Number.NaN }, { minPts: 0 }, { minPts: 1.5 }, { capacity: 0 }]) {
      expect(() => new IncrementalDbscan({ ...good, ...bad })).toThrow(TypeError);
    }
  });

  it('rejects embeddings of the wrong length or not of unit length', () => {
    const dbscan = new IncrementalDbscan({ dimension: 2, eps: 0.1, minPts: 2, capacity: 10 });
    expect(() => dbscan.insert(Float32Array.of(1, 0, 0), 0, null)).toThrow(/2 values/);
    expect(() => dbscan.insert(Float32Array.of(3, 4), 0, null)).toThrow(/L2-normalised/);
    expect(() => dbscan.insert(Float32Array.of(Number.NaN, 0), 0, null)).toThrow(/L2-normalised/);
    expect(dbscan.size).toBe(0);
  });
});
