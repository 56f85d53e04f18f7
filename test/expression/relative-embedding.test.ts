import { describe, expect, it } from 'vitest';
import { BLENDSHAPE_NAMES } from '../../src/face/mediapipe/blendshape-names.js';
import { euclideanDistance } from '../../src/math/vector.js';
import { EXPRESSION_LABELS } from '../../src/models/expression.js';
import {
  expressionFeatures,
  expressionIntensity,
  FEATURE_SIZE,
  LIVE_BLENDSHAPES,
  POPULATION_REST_START,
  relativeEmbedding,
  RELATIVE_EMBEDDING_SIZE,
} from '../../src/expression/relative-embedding.js';
import { EvenSample, RestingFaces, restingFace } from '../../src/expression/resting-face.js';

const blend = (values: Partial<Record<(typeof BLENDSHAPE_NAMES)[number], number>>): Float32Array => Float32Array.from(BLENDSHAPE_NAMES, (n) => values[n] ?? 0.05);
const probabilities = (label: (typeof EXPRESSION_LABELS)[number], p = 0.9): Float32Array => Float32Array.from(EXPRESSION_LABELS, (l) => (l === label ? p : (1 - p) / 6));

describe('the relative expression embedding', () => {
  it('reads the 44 live blendshapes and the 7 probabilities, never the ones the model does not move', () => {
    expect(LIVE_BLENDSHAPES).toHaveLength(44);
    expect(LIVE_BLENDSHAPES.map((i) => BLENDSHAPE_NAMES[i])).not.toContain('_neutral');
    expect(POPULATION_REST_START).toHaveLength(FEATURE_SIZE);
    const f = expressionFeatures(blend({ mouthSmileLeft: 0.8 }), probabilities('happy'));
    expect(f).toHaveLength(FEATURE_SIZE);
    expect(f[LIVE_BLENDSHAPES.indexOf(BLENDSHAPE_NAMES.indexOf('mouthSmileLeft'))]).toBeCloseTo(0.8);
    expect(() => expressionFeatures(new Float32Array(51), probabilities('happy'))).toThrow(/52 blendshapes/);
  });

  it('puts a face at its own rest on the pole, and the same smile on two people with different rests at the same place', () => {
    const restA = expressionFeatures(blend({ mouthFrownLeft: 0.3, browDownLeft: 0.4 }), probabilities('neutral'));
    const restB = expressionFeatures(blend({ eyeSquintLeft: 0.5 }), probabilities('neutral'));
    const atRest = relativeEmbedding(restA, restA);
    expect(atRest).toHaveLength(RELATIVE_EMBEDDING_SIZE);
    expect(atRest[FEATURE_SIZE]).toBeCloseTo(1);
    const smile = (rest: Float32Array) => {
      const f = Float32Array.from(rest);
      f[LIVE_BLENDSHAPES.indexOf(BLENDSHAPE_NAMES.indexOf('mouthSmileLeft'))] += 0.7;
      f[LIVE_BLENDSHAPES.indexOf(BLENDSHAPE_NAMES.indexOf('mouthSmileRight'))] += 0.7;
      return f;
    };
    const smileA = relativeEmbedding(smile(restA), restA), smileB = relativeEmbedding(smile(restB), restB);
    expect(euclideanDistance(smileA, smileB)).toBeLessThan(1e-6);
    // Read raw (against one rest), the two people's smiles would differ by their rests.
    expect(euclideanDistance(relativeEmbedding(smile(restA), restB), smileB)).toBeGreaterThan(0.3);
    expect(euclideanDistance(smileA, atRest)).toBeGreaterThan(1);
  });

  it('measures intensity along the reference: 1 as strong, 0.5 half as strong, 0 at rest', () => {
    const rest = expressionFeatures(blend({}), probabilities('neutral'));
    const smiling = (k: number) => {
      const f = Float32Array.from(rest);
      f[LIVE_BLENDSHAPES.indexOf(BLENDSHAPE_NAMES.indexOf('mouthSmileLeft'))] += 0.6 * k;
      return relativeEmbedding(f, rest);
    };
    const reference = smiling(1);
    expect(expressionIntensity(smiling(1), reference)).toBeCloseTo(1, 5);
    expect(expressionIntensity(smiling(0.5), reference)).toBeCloseTo(0.5, 5);
    expect(expressionIntensity(relativeEmbedding(rest, rest), reference)).toBe(0);
  });
});

describe('resting faces', () => {
  /** Features at `level`; a live face's vary a little from frame to frame (`frame` alternates the last digit). */
  const features = (level: number, frame = 0) => Float32Array.from({ length: FEATURE_SIZE }, () => level + (frame % 2) * 1e-5);

  it('estimate the rest as the median, or as the median of the least active samples', () => {
    const samples = [features(0.1), features(0.1), features(0.9), features(0.2), features(0.8)];
    expect(restingFace(samples, { kind: 'median' })[0]).toBeCloseTo(0.2);
    expect(restingFace(samples, { kind: 'least-active', fraction: 0.4 })[0]).toBeCloseTo(0.1);
    expect(() => restingFace([], { kind: 'median' })).toThrow(RangeError);
  });

  it("start at the population's rest and move to the person's own as they are seen", () => {
    const faces = new RestingFaces({ start: Array.from(features(0)), warmUp: 15 });
    expect(faces.restOf(7)[0]).toBe(0);
    for (let i = 0; i < 15; i++) faces.observe(7, features(0.4, i));
    // Half their own (15 samples against a warm-up of 15), half the population's, itself a quarter
    // of the way from the start to the one person seen long enough.
    expect(faces.populationRest()[0]).toBeCloseTo(0.1, 5);
    expect(faces.restOf(7)[0]).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.1, 5);
    for (let i = 0; i < 1000; i++) faces.observe(7, features(0.4, i));
    expect(faces.restOf(7)[0]).toBeGreaterThan(0.39);
    // Someone never seen rests where the population does, which has moved towards person 7.
    expect(faces.restOf(8)[0]).toBeCloseTo(faces.populationRest()[0]);
    expect(faces.populationRest()[0]).toBeCloseTo(0.4 * (1 / 4), 5);
  });

  it('merge the samples of identities found to be one person', () => {
    const faces = new RestingFaces({ start: Array.from(features(0)), warmUp: 1 });
    for (let i = 0; i < 50; i++) faces.observe(1, features(0.2, i));
    for (let i = 0; i < 51; i++) faces.observe(2, features(0.6, i));
    faces.merge([2], 1);
    expect(faces.restOf(1)[0]).toBeCloseTo(0.6, 1);
    expect(faces.restOf(2)[0]).toBeCloseTo(faces.populationRest()[0]);
  });
});

describe('EvenSample', () => {
  it('keeps at most its capacity, spread evenly over everything pushed, the same way every time', () => {
    const sample = new EvenSample<number>(8);
    for (let i = 0; i < 100; i++) sample.push(i);
    expect(sample.count).toBe(100);
    expect(sample.items.length).toBeLessThanOrEqual(8);
    expect(sample.items[0]).toBe(0);
    expect(sample.items.at(-1)).toBeGreaterThan(60);
    const gaps = sample.items.slice(1).map((v, i) => v - sample.items[i]);
    expect(new Set(gaps).size).toBe(1);
  });
});

describe('resting faces of a still picture', () => {
  it('count the same measurement once: a picture shown as a camera stays read against the population', () => {
    const faces = new RestingFaces({ start: [0], warmUp: 15 });
    const smile = Float32Array.of(0.8);
    for (let i = 0; i < 500; i++) faces.observe(1, Float32Array.from(smile));
    expect(faces.restOf(1)[0]).toBeCloseTo(0.8 / 16, 5);
    // A live face varies from frame to frame: each is an observation.
    for (let i = 0; i < 500; i++) faces.observe(2, Float32Array.of(0.8 + (i % 2) * 1e-3));
    expect(faces.restOf(2)[0]).toBeGreaterThan(0.75);
  });
});
