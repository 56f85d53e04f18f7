import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FaceCore, LocatedFace } from '../face/analyser.js';
import type { TripletType } from './fec.js';
import type { DescribePicture, FecFaces } from './fec-evaluation.js';
import type { TrainingTriplet } from './head-training.js';
import { mirrored } from './views.js';

/**
 * The views of a face a head trains on: the expression model's pooled features of its crops and
 * of those crops mirrored (each averaged over the model's views, as in the pipeline).
 */
export async function pooledViews(core: FaceCore, faces: readonly LocatedFace[]): Promise<Float32Array[][]> {
  const views = faces.map((f) => core.expressionViews(f));
  const outputs = await core.expressionsOfViews([...views, ...views.map((v) => v.map(mirrored))]);
  return faces.map((_, i) => [outputs[i].pooled, outputs[faces.length + i].pooled]);
}

/** The FEC paper's margins: 0.1 for one-class triplets (subtler differences), 0.2 otherwise. */
export const FEC_TYPE_MARGINS: Readonly<Record<TripletType, number>> = { ONE_CLASS_TRIPLET: 0.1, TWO_CLASS_TRIPLET: 0.2, THREE_CLASS_TRIPLET: 0.2 };

/**
 * The distinct faces of scored FEC triplets (one entry per face, however many rows it is in) and
 * the triplets over their indices, each with `margin` or its type's margin.
 */
export function headTrainingSet(ready: FecFaces<Float32Array[]>['triplets'], margin: number | Readonly<Record<TripletType, number>>): { faces: Float32Array[][]; triplets: TrainingTriplet[] } {
  const index = new Map<Float32Array[], number>();
  const faces: Float32Array[][] = [];
  const id = (views: Float32Array[]): number => {
    let i = index.get(views);
    if (i === undefined) {
      i = faces.push(views) - 1;
      index.set(views, i);
    }
    return i;
  };
  const triplets = ready.map(({ triplet, odd, faces: fs }) => {
    const alike = [0, 1, 2].filter((k) => k !== odd).map((k) => id(fs[k])) as [number, number];
    return { alike, odd: id(fs[odd]), margin: typeof margin === 'number' ? margin : margin[triplet.type] };
  });
  return { faces, triplets };
}

/**
 * Wraps a picture describer with a JSON file of its results, keyed by picture and boxes, so
 * features are extracted once: later runs on the same pictures read them back.
 */
export function cachedDescribePicture(describe: DescribePicture<Float32Array[]>, cacheFile: string): { describe: DescribePicture<Float32Array[]>; save(): void } {
  const cache: Record<string, number[][] | null> = existsSync(cacheFile) ? (JSON.parse(readFileSync(cacheFile, 'utf8')) as Record<string, number[][] | null>) : {};
  return {
    describe: async (path, boxes) => {
      const keys = boxes.map((b) => `${path}#${b.left},${b.right},${b.top},${b.bottom}`);
      if (keys.some((k) => !(k in cache))) {
        const described = await describe(path, boxes);
        keys.forEach((k, i) => (cache[k] = described[i]?.map((v) => Array.from(v)) ?? null));
      }
      return keys.map((k) => cache[k]?.map((v) => Float32Array.from(v)));
    },
    save: () => {
      mkdirSync(dirname(cacheFile), { recursive: true });
      writeFileSync(cacheFile, JSON.stringify(cache));
    },
  };
}
