import { intersectionOverUnion, type Box } from './geometry.js';

export interface FaceTrackerOptions {
  /** Boxes of consecutive frames overlapping by at least this IoU are the same face. Default 0.3. */
  readonly minIou?: number;
  /** A track unseen for longer than this many seconds ends. Default 1. */
  readonly maxGap?: number;
}

interface Track {
  readonly id: number;
  box: Box;
  lastPts: number;
}

/**
 * Follows faces from frame to frame of one stream by box overlap, so a face that is obviously the
 * same as in the last frame keeps its track id (and the identity found for it) without a new
 * identity embedding. Greedy matching, best overlap first.
 */
export class FaceTracker {
  private tracks: Track[] = [];
  private nextId = 1;
  private readonly minIou: number;
  private readonly maxGap: number;

  constructor(options: FaceTrackerOptions = {}) {
    this.minIou = options.minIou ?? 0.3;
    this.maxGap = options.maxGap ?? 1;
  }

  /** The track id of each box of the frame at `pts`, in the boxes' order. */
  update(pts: number, boxes: readonly Box[]): number[] {
    this.tracks = this.tracks.filter((t) => pts - t.lastPts <= this.maxGap && pts >= t.lastPts);
    const pairs: [number, number, number][] = [];
    boxes.forEach((box, b) =>
      this.tracks.forEach((track, t) => {
        const iou = intersectionOverUnion(box, track.box);
        if (iou >= this.minIou) pairs.push([iou, b, t]);
      }),
    );
    pairs.sort((x, y) => y[0] - x[0]);
    const ids = new Array<number>(boxes.length).fill(0);
    const taken = new Set<number>();
    for (const [, b, t] of pairs) {
      if (ids[b] !== 0 || taken.has(t)) continue;
      ids[b] = this.tracks[t].id;
      taken.add(t);
    }
    boxes.forEach((box, b) => {
      if (ids[b] === 0) {
        ids[b] = this.nextId++;
        this.tracks.push({ id: ids[b], box, lastPts: pts });
      } else {
        const track = this.tracks.find((t) => t.id === ids[b])!;
        track.box = box;
        track.lastPts = pts;
      }
    });
    return ids;
  }
}
