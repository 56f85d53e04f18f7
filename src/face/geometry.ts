/** Corner-form box in pixels: x1, y1, x2, y2. */
export type Box = readonly [number, number, number, number];
/** A point in pixels. */
export type Point = readonly [number, number];

export function boxWidth(b: Box): number {
  return b[2] - b[0];
}

export function boxHeight(b: Box): number {
  return b[3] - b[1];
}

export function intersectionOverUnion(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (boxWidth(a) * boxHeight(a) + boxWidth(b) * boxHeight(b) - inter);
}
