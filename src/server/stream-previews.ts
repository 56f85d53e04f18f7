import type { FaceEvent, MienEvent } from '../events/events.js';
import type { Frame } from '../ingest/frame.js';
import type { FrameAnalysis } from '../operators/frame-analysis.js';
import { renderOverlay } from '../render/overlay.js';
import type { Router } from './http.js';
import { HttpError } from './errors.js';

/** The latest analysed frame of a stream, with what was found on it. */
interface Preview {
  readonly frame: Frame;
  readonly faces: readonly { box: readonly [number, number, number, number]; identity?: number; accepted: boolean; tags: readonly string[] }[];
}

/** Each stream's latest analysed frame, served with its faces drawn at /api/streams/:id/preview.jpg. */
export class StreamPreviews {
  private readonly previews = new Map<string, Preview>();

  /** @param nameOf a person's name, where they have one */
  constructor(private readonly nameOf: (identity: number) => string | null | undefined) {}

  seen(record: FrameAnalysis, events: readonly MienEvent[]): void {
    // The frame's face events come in the order of its faces and carry the tags that held.
    const faceEvents = events.filter((e): e is FaceEvent => e.kind === 'face');
    this.previews.set(record.frame.stream, {
      frame: record.frame,
      faces: record.faces.map((f, i) => ({ box: f.face.detection.box, identity: f.identity, accepted: f.face.quality.accepted, tags: faceEvents[i]?.tags ?? [] })),
    });
  }

  forget(stream: string): void {
    this.previews.delete(stream);
  }

  routes(router: Router): void {
    router.add('GET', '/api/streams/:id/preview.jpg', async ({ params }) => {
      const preview = this.previews.get(params.id);
      if (!preview) throw new HttpError(404, `no analysed frame of "${params.id}" yet`);
      const faces = preview.faces.map((f) => ({
        box: f.box,
        points: [],
        accepted: f.accepted,
        caption: [f.identity === undefined ? '?' : (this.nameOf(f.identity) ?? `#${f.identity}`), ...f.tags].join(' · '),
      }));
      return { status: 200, body: await renderOverlay(preview.frame, faces, 'jpeg'), type: 'image/jpeg' };
    });
  }
}
