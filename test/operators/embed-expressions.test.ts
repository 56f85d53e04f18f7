import { describe, expect, it } from 'vitest';
import { FaceCore, type FaceModels, type LocatedFace } from '../../src/face/analyser.js';
import { createRgbImage, type RgbImage } from '../../src/image/rgb-image.js';
import type { ExpressionOutputs } from '../../src/models/expression.js';
import { EXPRESSION_EMBEDDINGS } from '../../src/expression/embedding.js';
import { ExpressionAnalysis } from '../../src/operators/analysis-pipeline.js';
import { ExpressionSpace } from '../../src/expression/expression-space.js';
import { expressionEmbedder, type SpaceOfFaces } from '../../src/operators/embed-expressions.js';
import { RestingFaces } from '../../src/expression/resting-face.js';
import type { FrameAnalysis } from '../../src/operators/frame-analysis.js';

const unused = () => Promise.reject(new Error('not used by the expression step'));

/** A face core whose expression model records each crop it sees and answers with its first pixel as "happy". */
function recordingCore(kind = 'densenet121-fer'): { core: FaceCore; seen: number[] } {
  const seen: number[] = [];
  const models: FaceModels = {
    detector: { detect: unused, input: { width: 1, height: 1 } },
    landmarks: { locate: unused, input: { width: 1, height: 1 } },
    identity: { embed: unused },
    pose: { estimate: unused, input: { width: 1, height: 1 } },
    expression: {
      kind,
      crop: { kind: 'eye-aligned' },
      input: { width: 1, height: 1 },
      analyse: async (crops: readonly RgbImage[]): Promise<ExpressionOutputs[]> =>
        crops.map((crop) => {
          seen.push(crop.data[0]);
          const logits = Float32Array.from([0, 0, 0, crop.data[0], 0, 0, 0]);
          return { logits, probabilities: logits, pooled: new Float32Array(1) };
        }),
    },
  };
  return { core: new FaceCore(models), seen };
}

/** A face whose eye crop's first pixel is `mark`, so the model's answer says which face it measured. */
function face(mark: number, accepted = true): LocatedFace {
  const image = createRgbImage(1, 1, Uint8Array.from([mark, 0, 0]));
  return {
    frame: image,
    detection: { box: [0, 0, 1, 1], score: 1 },
    landmarks68: new Float32Array(136),
    points: { leftEye: [0, 0], rightEye: [1, 0], nose: [0.5, 0.5], mouthLeft: [0, 1], mouthRight: [1, 1] },
    eyeCrop: { image, transform: [1, 0, 0, 0, 1, 0] },
    quality: { accepted, reasons: accepted ? [] : ['blur'], sharpness: 5, yaw: 0, pitch: 0, roll: 0 },
  };
}

/** Frame k of stream s at `pts`, with the given faces as (track, mark, accepted). */
function record(pts: number, faces: [string, number, boolean?][], stream = 's'): FrameAnalysis {
  return {
    frame: { stream, index: Math.round(pts * 10), pts, width: 1, height: 1, data: new Uint8Array(3) },
    receivedAt: 0,
    faces: faces.map(([track, mark, accepted]) => ({ face: face(mark, accepted), track, trackId: Number(track.split('#')[1] ?? 0) })),
    personEvents: [],
  };
}

/** The "happy" logit each face ended up with, i.e. which measurement it carries. */
const carried = (records: FrameAnalysis[]) => records.map((r) => r.faces.map((f) => f.expression?.outputs.logits[3]));

const classifierSpace = (core: FaceCore) => ExpressionSpace.of(core, undefined);

describe('expressionEmbedder', () => {
  it('measures every accepted face by default, and no rejected one', async () => {
    const { core, seen } = recordingCore();
    const out = await expressionEmbedder(classifierSpace(core), undefined).step([record(0, [['a', 1], ['b', 2, false]]), record(0.1, [['a', 3]])]);
    expect(seen).toEqual([1, 3]);
    expect(carried(out)).toEqual([[1, undefined], [3]]);
    expect(out[0].faces[0].embedding).toBeInstanceOf(Float32Array);
  });

  it('at 5 per second on 10 frames per second measures every other frame of a track, across batches, and carries the last in between', async () => {
    const { core, seen } = recordingCore();
    const embed = expressionEmbedder(classifierSpace(core), undefined, 5).step;
    // Timestamps of a 29.97 fps file capped at 10 fps land a hair short of each 0.1 s.
    const pts = [0, 0.1001, 0.2002, 0.2999, 0.4004, 0.5005];
    const first = await embed(pts.slice(0, 4).map((t, k) => record(t, [['a', 10 + k], ['b', 20 + k]])));
    const second = await embed(pts.slice(4).map((t, k) => record(t, [['a', 14 + k], ['b', 24 + k]])));
    expect(seen).toEqual([10, 20, 12, 22, 14, 24]);
    expect(carried(first)).toEqual([[10, 20], [10, 20], [12, 22], [12, 22]]);
    expect(carried(second)).toEqual([[14, 24], [14, 24]]);
  });

  it('measures a track again when its timestamps start over (a reconnected live source)', async () => {
    const { core, seen } = recordingCore();
    const embed = expressionEmbedder(classifierSpace(core), undefined, 1).step;
    await embed([record(5, [['a', 1]]), record(5.5, [['a', 2]])]);
    await embed([record(0.1, [['a', 3]])]);
    expect(seen).toEqual([1, 3]);
  });

  it('leaves a face without an expression when its track was never measured while accepted', async () => {
    const { core } = recordingCore();
    const out = await expressionEmbedder(classifierSpace(core), undefined, 1).step([record(0, [['a', 1, false]]), record(0.1, [['a', 2, false]])]);
    expect(carried(out)).toEqual([[undefined], [undefined]]);
  });

  it('refuses a rate that is not a positive number', () => {
    const { core } = recordingCore();
    expect(() => expressionEmbedder(classifierSpace(core), undefined, 0)).toThrow(TypeError);
    expect(() => expressionEmbedder(classifierSpace(core), undefined, Number.NaN)).toThrow('positive number per second');
  });
});

describe("ExpressionAnalysis's default tag threshold", () => {
  it("is the opened expression model's calibration, whatever $MIEN_EXPRESSION_MODEL says", () => {
    const saved = process.env.MIEN_EXPRESSION_MODEL;
    process.env.MIEN_EXPRESSION_MODEL = 'face-api-expression-net';
    try {
      const densenet = new ExpressionAnalysis(recordingCore('densenet121-fer').core, () => []);
      expect(densenet.tagger.options.defaultThreshold).toBe(EXPRESSION_EMBEDDINGS['densenet121-fer'].defaultThreshold);
      const fen = new ExpressionAnalysis(recordingCore('face-api-expression-net').core, () => []);
      expect(fen.tagger.options.defaultThreshold).toBe(EXPRESSION_EMBEDDINGS['face-api-expression-net'].defaultThreshold);
      expect(fen.tagger.options.defaultThreshold).not.toBe(densenet.tagger.options.defaultThreshold);
    } finally {
      if (saved === undefined) delete process.env.MIEN_EXPRESSION_MODEL;
      else process.env.MIEN_EXPRESSION_MODEL = saved;
    }
  });

  it('refuses an expression model no embedding is calibrated for', () => {
    expect(() => new ExpressionAnalysis(recordingCore('some-other-net').core, () => [])).toThrow(/no expression embedding is calibrated for the expression model "some-other-net"/);
  });
});

describe('expressionEmbedder in a relative space', () => {
  /** A space that measures a face as its mark repeated, and embeds it as features minus rest. */
  const space: SpaceOfFaces = {
    relative: true,
    measure: async (faces) => faces.map((f) => ({ outputs: { logits: new Float32Array(7), probabilities: new Float32Array(7), pooled: new Float32Array(1) }, features: Float32Array.of(f.frame.data[0]) })),
    embed: (measured, rest) => Float32Array.of(measured.features![0] - rest![0]),
  };
  const withIdentity = (r: FrameAnalysis, identities: (number | undefined)[]): FrameAnalysis => ({ ...r, faces: r.faces.map((f, i) => ({ ...f, identity: identities[i] })) });

  it("reads each face against its own person's resting face, and a face of no known person against the population's", async () => {
    const rests = new RestingFaces({ start: [0], warmUp: 1 });
    const embed = expressionEmbedder(space, rests).step;
    // Person 1 rests at 100, person 2 at 10 (give or take a live face's frame-to-frame change); both then show +20.
    for (let k = 0; k < 20; k++) await embed([withIdentity(record(k, [['a', 100 + (k % 2)], ['b', 10 + (k % 2)]]), [1, 2])]);
    const [out] = await embed([withIdentity(record(21, [['a', 120], ['b', 30], ['c', 50]]), [1, 2, undefined])]);
    const [a, b, c] = out.faces.map((f) => f.embedding![0]);
    // 90 apart as measured, within a few of each other and of +20 as read (the rests are still a
    // little shrunk towards the population's).
    expect(Math.abs(a - b)).toBeLessThan(5);
    expect(Math.abs(a - 20)).toBeLessThan(5);
    expect(c).toBeCloseTo(50 - rests.populationRest()[0], 5);
  });

  it('joins the resting faces of identities the clustering merges', async () => {
    const rests = new RestingFaces({ start: [0], warmUp: 1 });
    const embed = expressionEmbedder(space, rests).step;
    for (let k = 0; k < 10; k++) await embed([withIdentity(record(k, [['a', 40 + (k % 2)]]), [3])]);
    const merged = { ...withIdentity(record(11, [['a', 40]]), [4]), personEvents: [{ type: 'merged' as const, identity: 4, absorbed: [3] }] };
    const [newcomer] = await expressionEmbedder(space, new RestingFaces({ start: [0], warmUp: 1 })).step([withIdentity(record(11, [['a', 40]]), [4])]);
    const [out] = await embed([merged]);
    // Person 4 inherits person 3's eleven faces at 40: at rest; a newcomer with one face is not yet.
    expect(out.faces[0].embedding![0]).toBeLessThan(3);
    expect(newcomer.faces[0].embedding![0]).toBeGreaterThan(10);
  });

  it('needs resting faces', () => {
    expect(() => expressionEmbedder(space, undefined)).toThrow(/needs resting faces/);
  });
});
