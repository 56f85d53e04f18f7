/** Test data: events and API objects as the server sends them. */
import type { FaceEvent, Identity, MienEvent, Reference, TagEndEvent, TagStartEvent } from '../src/api/api-types.js';
import type { PictureUrls } from '../src/api/pictures.js';

/** Server time of the first frame in these tests. */
export const T0 = Date.parse('2026-11-01T10:00:00.000Z');

const at = (pts: number, base = T0) => ({ pts, wallTime: new Date(base + pts * 1000).toISOString() });

export function face(identity: number | null, pts: number, more: Partial<FaceEvent> = {}): FaceEvent {
  return { kind: 'face', stream: 'cam', identity, track: 1, box: [0, 0, 10, 10], accepted: true, reasons: [], sharpness: 10, yaw: 0, ...at(pts), ...more };
}

export function tagStart(identity: number, tag: string, pts: number, more: Partial<TagStartEvent> = {}): TagStartEvent {
  return { kind: 'tag-start', stream: 'cam', identity, tag, reference: 1, distance: 0.3, ...at(pts), ...more };
}

/** The tag-end the server sends once a tag has not held for its gap (0.5 s) after `lastPts`. */
export function tagEnd(identity: number, tag: string, startPts: number, lastPts: number, more: Partial<TagEndEvent> = {}): TagEndEvent {
  return { kind: 'tag-end', stream: 'cam', identity, tag, reference: 1, distance: 0.25, startPts, ...at(lastPts), wallTime: new Date(T0 + (lastPts + 0.6) * 1000).toISOString(), ...more };
}

export function merged(identity: number, from: number[], pts: number): MienEvent {
  return { kind: 'identity-merged', stream: 'cam', identity, merged: from, ...at(pts) };
}

export function identity(id: number, more: Partial<Identity> = {}): Identity {
  return {
    id,
    name: null,
    firstSeen: new Date(T0).toISOString(),
    lastSeen: new Date(T0 + 10_000).toISOString(),
    faces: 42,
    accepted: 40,
    thumbnail: `/api/identities/${id}/thumbnail.jpg`,
    appearance: {},
    ...more,
  };
}

export function reference(id: number, more: Partial<Reference> = {}): Reference {
  return {
    id,
    tags: ['smile'],
    createdAt: '2026-11-01T10:00:00.000Z',
    source: 'upload',
    rest: 'population',
    box: [10, 10, 90, 90],
    embeddingModel: 'face-api-expression-net-7-probabilities',
    matched: true,
    crop: `/api/references/${id}/crop.png`,
    ...more,
  };
}

/**
 * The API's pictures as test URLs naming their path (`picture:PATH`, fresh ones `picture:PATH#N`
 * with N counting every ask); paths in `missing` are not there yet.
 */
export class FakePictures implements PictureUrls {
  readonly asked: string[] = [];
  readonly missing = new Set<string>();

  async stable(path: string): Promise<string | undefined> {
    this.asked.push(path);
    return this.missing.has(path) ? undefined : `picture:${path}`;
  }

  async fresh(path: string): Promise<string> {
    this.asked.push(path);
    if (this.missing.has(path)) throw new Error(`no ${path} yet`);
    return `picture:${path}#${this.asked.length}`;
  }
}
