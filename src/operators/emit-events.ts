import type { FaceEvent, MienEvent } from '../events/events.js';
import type { ExpressionTagger } from '../expression/expression-tagger.js';
import type { TagTransition } from '../expression/tag-segments.js';
import { EXPRESSION_LABELS } from '../models/expression.js';
import type { FrameAnalysis } from './frame-analysis.js';

const round = (v: number, digits = 3): number => Number(v.toFixed(digits));

/**
 * Turns analysed frames into events: a face event per face, identity events when the clustering
 * changes, tag-start / tag-end as the custom expressions begin and stop holding for each person.
 * `closing()` ends every open tag segment, when the frames end.
 */
export class AnalysisEvents {
  private readonly streams = new Set<string>();

  constructor(
    private readonly tagger: ExpressionTagger,
    private readonly now: () => number = Date.now,
  ) {}

  of(record: FrameAnalysis): MienEvent[] {
    this.streams.add(record.frame.stream);
    return frameEvents(this.tagger, record);
  }

  /** The frames have ended: every stream's open tag segments end, but those of `ending` (ended with reasons of their own). */
  closing(ending: ReadonlySet<string> = new Set()): MienEvent[] {
    return [...this.streams].filter((stream) => !ending.has(stream)).flatMap((stream) => this.endStream(stream, 'the stream ended'));
  }

  /** One stream has ended: its open tag segments end, saying why, and it is forgotten. */
  endStream(stream: string, reason: string): MienEvent[] {
    this.streams.delete(stream);
    const wallTime = new Date(this.now()).toISOString();
    return this.tagger.endStream(stream).map((t) => tagEvent(t, stream, wallTime, reason));
  }
}

function frameEvents(tagger: ExpressionTagger, record: FrameAnalysis): MienEvent[] {
  const { stream, pts } = record.frame;
  const wallTime = new Date(record.receivedAt).toISOString();
  const events: MienEvent[] = [];
  for (const change of record.personEvents) {
    if (change.type === 'created') events.push({ kind: 'identity-created', stream, pts, wallTime, identity: change.identity });
    if (change.type === 'attributed') {
      const { identity, fromPts, toPts, faces, accepted } = change;
      // The face that brought the attribution is one of this frame's.
      const track = record.faces.find((f) => f.track === change.track)!.trackId;
      tagger.appearance.attribute(identity, faces);
      events.push({ kind: 'identity-attributed', stream, pts, wallTime, identity, track, fromPts, toPts, faces, accepted });
    }
    if (change.type === 'merged') {
      events.push({ kind: 'identity-merged', stream, pts, wallTime, identity: change.identity, merged: [...change.absorbed] });
      for (const ended of tagger.merge(change.absorbed, change.identity)) events.push(...ended.transitions.map((t) => tagEvent(t, ended.stream, wallTime)));
    }
  }
  for (const { face, identity, trackId, expression, embedding } of record.faces) {
    const { quality, detection } = face;
    const probabilities = expression?.outputs.probabilities;
    const top = probabilities && EXPRESSION_LABELS[probabilities.indexOf(Math.max(...probabilities))];
    const event: FaceEvent = {
      kind: 'face',
      stream,
      pts,
      wallTime,
      identity: identity ?? null,
      track: trackId,
      box: [round(detection.box[0], 1), round(detection.box[1], 1), round(detection.box[2], 1), round(detection.box[3], 1)],
      accepted: quality.accepted,
      reasons: quality.reasons,
      sharpness: round(quality.sharpness, 2),
      yaw: round(quality.yaw, 1),
      ...(top && { expression: top }),
    };
    events.push(event);
    if (identity === undefined) continue;
    const { matches, transitions } = tagger.observe({ stream, pts, identity, accepted: quality.accepted, embedding });
    if (matches.length > 0) event.tags = [...new Set(matches.flatMap((m) => m.reference.tags))];
    events.push(...transitions.map((t) => tagEvent(t, stream, wallTime)));
  }
  events.push(...tagger.advance(stream, pts).map((t) => tagEvent(t, stream, wallTime)));
  return events;
}

/** A tag event; a tag-end cut short by its stream's end says why (`reason`). */
function tagEvent(t: TagTransition, stream: string, wallTime: string, reason?: string): MienEvent {
  const common = {
    stream,
    pts: t.pts,
    wallTime,
    identity: t.identity,
    tag: t.tag,
    reference: t.reference,
    distance: round(t.distance, 4),
    ...(t.intensity !== undefined && { intensity: round(t.intensity, 3) }),
  };
  return t.kind === 'tag-start' ? { kind: 'tag-start', ...common } : { kind: 'tag-end', ...common, startPts: t.startPts, ...(reason !== undefined && { reason }) };
}
