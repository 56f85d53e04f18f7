import type { LocatedFace } from '../face/analyser.js';
import type { Box } from '../face/geometry.js';
import type { Frame } from '../ingest/frame.js';
import type { MeasuredExpression } from '../expression/expression-space.js';
import type { PersonEvent } from '../online-cluster/types.js';

/** What the clustering keeps to find a face's picture again. */
export interface FaceThumbnail {
  readonly stream: string;
  readonly pts: number;
  readonly box: Box;
}

/** One face as it moves through the operators, each adding what it found. */
export interface AnalysedFace {
  readonly face: LocatedFace;
  /** Stream and track id: the same key for the same face in consecutive frames (`trackKey`). */
  readonly track: string;
  /** The track's number within its stream, as events tell it. */
  readonly trackId: number;
  /** The person, once the clustering knows; undefined while the face is noise. */
  readonly identity?: number;
  /** The expression as measured and its embedding, for faces FaceQA accepted. */
  readonly expression?: MeasuredExpression;
  readonly embedding?: Float32Array;
}

/** A face track's key: its stream and its number there. */
export const trackKey = (stream: string, track: number): string => `${stream}#${track}`;

/** The keys of a stream's tracks all start with this. */
export const streamTrackPrefix = (stream: string): string => `${stream}#`;

/** An analysis step that keeps state per stream, and can forget one stream's. */
export interface PerStreamStep<In> {
  readonly step: (input: In) => Promise<FrameAnalysis[]>;
  forgetStream(stream: string): void;
  /** Streams it holds state for. */
  streams(): number;
}

/** One frame and its faces. */
export interface FrameAnalysis {
  readonly frame: Frame;
  /** When the frame reached the analysis, before waiting for a batch (ms since the epoch): events carry it as wallTime. */
  readonly receivedAt: number;
  readonly faces: readonly AnalysedFace[];
  /** Changes among people caused by this frame's faces. */
  readonly personEvents: readonly PersonEvent[];
}
