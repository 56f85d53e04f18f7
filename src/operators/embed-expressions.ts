import type { ExpressionSpace, MeasuredExpression } from '../expression/expression-space.js';
import type { RestingFaces } from '../expression/resting-face.js';
import { streamTrackPrefix, type AnalysedFace, type FrameAnalysis, type PerStreamStep } from './frame-analysis.js';

/** Tracks whose last expression is kept, the least recently measured forgotten first (far more than are ever in view at once). */
const MAX_TRACKS = 1000;
/** Frame timestamps jitter by less than this: a face due every 0.2 s is not missed at 0.1999 s. */
const PTS_SLACK = 0.001;

/** What the step needs of an ExpressionSpace. */
export type SpaceOfFaces = Pick<ExpressionSpace, 'relative' | 'measure' | 'embed'>;

interface Measured {
  readonly pts: number;
  readonly expression: MeasuredExpression;
  readonly embedding: Float32Array;
}

/**
 * The expression step: measures the accepted faces of a batch (one batched call per model) and
 * embeds them in `space`. In a relative space each face joins its person's resting face in `rests`
 * (identities merged by the clustering merge there too) and is read against it; a face whose person
 * the clustering does not know yet is read against the population's. With `perTrackPerSecond`,
 * each tracked face (one person in one stream) is measured at most that often; in between it
 * carries its track's last expression, at most 1/perTrackPerSecond seconds old, so tags and
 * appearance rates go on at a fraction of the cost. Default: every accepted face is measured.
 */
export function expressionEmbedder(
  space: SpaceOfFaces,
  rests: RestingFaces | undefined,
  perTrackPerSecond = Number.POSITIVE_INFINITY,
): PerStreamStep<readonly FrameAnalysis[]> {
  if (!(perTrackPerSecond > 0)) throw new TypeError(`the expression rate must be a positive number per second, got ${perTrackPerSecond}`);
  if (space.relative && !rests) throw new TypeError('a relative expression space needs resting faces to read faces against');
  const interval = 1 / perTrackPerSecond;
  const last = new Map<string, Measured>();
  const forgetStream = (stream: string): void => {
    const prefix = streamTrackPrefix(stream);
    for (const track of [...last.keys()]) if (track.startsWith(prefix)) last.delete(track);
  };
  const streams = (): number => new Set([...last.keys()].map((track) => track.slice(0, track.lastIndexOf('#')))).size;
  const step = async (batch: readonly FrameAnalysis[]): Promise<FrameAnalysis[]> => {
    // In frame order: a face is due when its track's latest measurement (earlier, or due earlier in this batch) is too old.
    const latest = new Map<string, number>();
    const due = new Set<AnalysedFace>();
    for (const { frame, faces } of batch) {
      for (const f of faces) {
        if (!f.face.quality.accepted) continue;
        const before = latest.get(f.track) ?? last.get(f.track)?.pts;
        if (before === undefined || frame.pts < before || frame.pts - before >= interval - PTS_SLACK) {
          due.add(f);
          latest.set(f.track, frame.pts);
        }
      }
    }
    const measured = [...due];
    const expressions = await space.measure(measured.map((f) => f.face));
    const measuredOf = new Map(measured.map((f, i) => [f, expressions[i]]));
    return batch.map((record) => {
      for (const change of record.personEvents) if (change.type === 'merged') rests?.merge(change.absorbed, change.identity);
      return {
        ...record,
        faces: record.faces.map((f) => {
          if (!f.face.quality.accepted) return f;
          const expression = measuredOf.get(f);
          if (expression) {
            const embedding = embed(space, rests, expression, f.identity);
            if (interval > 0) {
              last.delete(f.track);
              last.set(f.track, { pts: record.frame.pts, expression, embedding });
              if (last.size > MAX_TRACKS) last.delete(last.keys().next().value!);
            }
            return { ...f, expression, embedding };
          }
          const held = last.get(f.track);
          return held ? { ...f, expression: held.expression, embedding: held.embedding } : f;
        }),
      };
    });
  };
  return { step, forgetStream, streams };
}

function embed(space: SpaceOfFaces, rests: RestingFaces | undefined, expression: MeasuredExpression, identity: number | undefined): Float32Array {
  if (!space.relative || !rests || !expression.features) return space.embed(expression);
  if (identity !== undefined) rests.observe(identity, expression.features);
  return space.embed(expression, rests.restOf(identity));
}
