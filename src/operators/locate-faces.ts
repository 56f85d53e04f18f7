import type { FaceCore } from '../face/analyser.js';
import { FaceTracker, type FaceTrackerOptions } from '../face/face-tracker.js';
import type { Frame } from '../ingest/frame.js';
import { trackKey, type FrameAnalysis, type PerStreamStep } from './frame-analysis.js';

/**
 * The first analysis step: detects the faces of a batch of frames (one detector call for the
 * batch, across streams), locates their landmarks and FaceQA verdicts (one landmark call), and
 * follows each face from frame to frame of its stream. `arrivalOf` says when a frame reached the
 * analysis (ms since the epoch), so that time spent waiting for a batch counts in its events' latency.
 */
export function faceLocator(core: FaceCore, arrivalOf: (frame: Frame) => number, tracking: FaceTrackerOptions = {}): PerStreamStep<readonly Frame[]> {
  const trackers = new Map<string, FaceTracker>();
  const step = async (frames: readonly Frame[]): Promise<FrameAnalysis[]> => {
    const receivedAt = frames.map(arrivalOf);
    const detections = await core.detect(frames);
    const refs = frames.flatMap((frame, i) => detections[i].map((detection) => ({ frame, detection })));
    const located = await core.locate(refs);
    let next = 0;
    return frames.map((frame, i) => {
      const faces = located.slice(next, (next += detections[i].length));
      let tracker = trackers.get(frame.stream);
      if (!tracker) trackers.set(frame.stream, (tracker = new FaceTracker(tracking)));
      const tracks = tracker.update(frame.pts, faces.map((f) => f.detection.box));
      return { frame, receivedAt: receivedAt[i], faces: faces.map((face, k) => ({ face, track: trackKey(frame.stream, tracks[k]), trackId: tracks[k] })), personEvents: [] };
    });
  };
  return { step, forgetStream: (stream) => trackers.delete(stream), streams: () => trackers.size };
}
