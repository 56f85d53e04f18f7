import { ignoreElements, lastValueFrom } from 'rxjs';
import type { ExpressionSpace } from '../expression/expression-space.js';
import { eyeCropAt } from '../face/align.js';
import type { RgbImage } from '../image/rgb-image.js';
import { fileFrames } from '../ingest/file-source.js';
import { CONTACT_TILE } from '../render/contact-sheet.js';
import type { AnalysisRuntime } from './analysis-runtime.js';

/** A FaceQA-accepted face of a video, with what search and summaries need of it. */
export interface VideoFace {
  /** Seconds from the start. */
  readonly pts: number;
  /** The person, from the online identity clustering (its final word on the face's track). */
  readonly identity: number | undefined;
  readonly embedding: Float32Array;
  /** The eye-aligned crop at the contact sheet's size: kept for every face, so no bigger than drawn. */
  readonly thumbnail: RgbImage;
}

/** A video's faces as Mien's live analysis saw them, and the space they were embedded in. */
export interface VideoAnalysis {
  readonly faces: VideoFace[];
  readonly space: ExpressionSpace;
  /** In a relative space, the resting face of the people in the video: what a query photo is read against. */
  readonly populationRest: Float32Array | undefined;
}

/**
 * Runs Mien's analysis (detection, FaceQA, tracking, identities, expressions) over a video's
 * frames, keeping its accepted faces: what `mien search` and `mien summarize` look through.
 */
export async function analyseVideoFaces(runtime: AnalysisRuntime, path: string, fps: number): Promise<VideoAnalysis> {
  const seen: (Omit<VideoFace, 'identity'> & { track: string })[] = [];
  const analysis = runtime.analysis(() => [], {
    onAnalysed: (record) => {
      for (const f of record.faces) if (f.embedding) seen.push({ pts: record.frame.pts, track: f.track, embedding: f.embedding, thumbnail: eyeCropAt(f.face.frame, f.face.eyeCrop.transform, CONTACT_TILE) });
    },
  });
  const gate = analysis.analysisGate();
  await lastValueFrom(fileFrames(path, { maxFps: fps, gate }).pipe(analysis.events(gate), ignoreElements()), { defaultValue: undefined });
  return {
    // A track's identity settles as the clustering sees more of it: take its last word.
    faces: seen.map(({ track, ...face }) => ({ ...face, identity: analysis.identities.identityOf(track) })),
    space: analysis.space,
    populationRest: analysis.rests?.populationRest(),
  };
}
