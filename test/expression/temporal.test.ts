import { describe, expect, it } from 'vitest';
import { AppearanceTally } from '../../src/expression/appearance.js';
import { matchReferences, referencesFor, unmatchedReferenceNotice, type ExpressionReference } from '../../src/expression/matching.js';
import { MedianPool, medianEmbedding } from '../../src/expression/median-pool.js';
import { TagSegmenter, type TagTransition } from '../../src/expression/tag-segments.js';
import { l2Normalise } from '../../src/math/vector.js';

const unit = (...v: number[]) => l2Normalise(Float32Array.from(v));

describe('medianEmbedding', () => {
  it('takes the median of each dimension, then normalises', () => {
    const m = medianEmbedding([Float32Array.from([1, 0, 5]), Float32Array.from([3, 9, 4]), Float32Array.from([2, 1, 0])]);
    const expected = unit(2, 1, 4);
    m.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('averages the middle two of an even count', () => {
    const m = medianEmbedding([Float32Array.from([0, 2]), Float32Array.from([2, 0])]);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });
});

describe('MedianPool', () => {
  it('ignores one stray frame among three, per identity, in time order', () => {
    const pool = new MedianPool(3);
    const smile = unit(1, 0), stray = unit(0, 1);
    pool.push(1, smile);
    pool.push(2, stray);
    pool.push(1, smile);
    const pooled = pool.push(1, stray);
    expect(pooled[0]).toBeCloseTo(1, 6);
    // The window slides: two strays out of the last three win.
    expect(pool.push(1, stray)[1]).toBeCloseTo(1, 6);
    expect(pool.push(2, stray)[1]).toBeCloseTo(1, 6);
  });

  it('keeps the survivor\'s frames on a merge', () => {
    const pool = new MedianPool(3);
    pool.push(5, unit(0, 1));
    pool.push(7, unit(1, 0));
    pool.merge([7], 5);
    expect(pool.push(5, unit(0, 1))[1]).toBeCloseTo(1, 6);
    expect(pool.push(7, unit(1, 0))[0]).toBeCloseTo(1, 6);
  });
});

const smileRef: ExpressionReference = { id: 1, tags: ['smile', 'happy'], embedding: unit(1, 0, 0) };
const frownRef: ExpressionReference = { id: 2, tags: ['frown'], embedding: unit(0, 1, 0), threshold: 0.2 };

describe('matchReferences', () => {
  it('returns the references within threshold, closest first, honouring per-reference thresholds', () => {
    const between = unit(1, 0.9, 0);
    expect(matchReferences(between, [smileRef, frownRef], 1.0).map((m) => m.reference.id)).toEqual([1]);
    const m = matchReferences(unit(1, 0.1, 0), [frownRef, smileRef], 0.5);
    expect(m.map((x) => x.reference.id)).toEqual([1]);
    expect(m[0].distance).toBeCloseTo(Math.hypot(1 - 1 / Math.hypot(1, 0.1), 0.1 / Math.hypot(1, 0.1)), 6);
    expect(matchReferences(unit(0, 0, 1), [smileRef, frownRef], 0.5)).toEqual([]);
  });
});

describe('referencesFor', () => {
  it('matches only references made with the running embedding, and names the others', () => {
    const stored = [
      { id: 1, tags: ['smile'], embeddingModel: 'fer7-probabilities' },
      { id: 2, tags: ['smile', 'grin'], embeddingModel: 'face-api-expression-net-7-probabilities' },
    ];
    const { matched, unmatched } = referencesFor(stored, 'face-api-expression-net-7-probabilities');
    expect(matched.map((r) => r.id)).toEqual([2]);
    expect(unmatched.map((r) => r.id)).toEqual([1]);
    expect(unmatchedReferenceNotice(unmatched[0], 'face-api-expression-net-7-probabilities')).toBe(
      'reference 1 (smile) was made with the embedding fer7-probabilities, the running one is face-api-expression-net-7-probabilities: not matched; add it again',
    );
  });
});

describe('TagSegmenter', () => {
  const at = (distance: number) => [{ reference: smileRef, distance }];

  it('opens one segment per tag and closes it after the gap, stamped with the last frame that held', () => {
    const s = new TagSegmenter(0.5);
    const events: TagTransition[] = [];
    events.push(...s.observe(1, 1.0, at(0.3)));
    events.push(...s.observe(1, 1.1, at(0.2)));
    events.push(...s.observe(1, 1.2, []));
    events.push(...s.observe(1, 1.4, at(0.4)));
    expect(events.map((e) => e.kind)).toEqual(['tag-start', 'tag-start']);
    events.push(...s.observe(1, 2.0, []));
    expect(events.slice(2)).toEqual([
      { kind: 'tag-end', identity: 1, tag: 'smile', reference: 1, startPts: 1.0, pts: 1.4, distance: 0.2 },
      { kind: 'tag-end', identity: 1, tag: 'happy', reference: 1, startPts: 1.0, pts: 1.4, distance: 0.2 },
    ]);
  });

  it('ends a segment when the person leaves the picture, and everything at the end of the stream', () => {
    const s = new TagSegmenter(0.5);
    s.observe(1, 0, at(0.1));
    s.observe(2, 0, at(0.1));
    expect(s.advance(0.4)).toEqual([]);
    s.observe(2, 0.8, at(0.1));
    expect(s.advance(0.9).map((e) => [e.kind, e.identity])).toEqual([['tag-end', 1], ['tag-end', 1]]);
    expect(s.flush().map((e) => [e.kind, e.identity, e.pts])).toEqual([['tag-end', 2, 0.8], ['tag-end', 2, 0.8]]);
    expect(s.flush()).toEqual([]);
  });

  it('ends the merged identities\' segments on a merge', () => {
    const s = new TagSegmenter(0.5);
    s.observe(3, 0, at(0.1));
    expect(s.merge([3]).map((e) => e.kind)).toEqual(['tag-end', 'tag-end']);
    expect(s.flush()).toEqual([]);
  });
});

describe('AppearanceTally', () => {
  it('rates each tag as tagged faces over accepted faces of the person', () => {
    const t = new AppearanceTally();
    t.record(1, true, ['smile']);
    t.record(1, true, ['smile', 'smile']);
    t.record(1, true, []);
    t.record(1, false);
    t.record(1, true, ['frown']);
    t.record(2, false);
    expect(t.summary()).toEqual([
      { id: 1, faces: 5, accepted: 4, appearance: { frown: 0.25, smile: 0.5 } },
      { id: 2, faces: 1, accepted: 0, appearance: {} },
    ]);
  });

  it('adds counts up on a merge', () => {
    const t = new AppearanceTally();
    t.record(1, true, ['smile']);
    t.record(4, true, []);
    t.record(4, false);
    t.merge([4], 1);
    expect(t.summary()).toEqual([{ id: 1, faces: 3, accepted: 2, appearance: { smile: 0.5 } }]);
  });
});
