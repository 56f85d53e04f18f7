/**
 * A 2-D affine map [a, b, c, d, e, f]: (x, y) -> (a x + b y + c, d x + e y + f).
 */
export type Affine = readonly [number, number, number, number, number, number];

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (Math.abs(det) < 1e-12) throw new RangeError('affine map is singular');
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** The map that scales by (sx, sy) after translating by (-x0, -y0): a crop-and-resize. */
export function cropScale(x0: number, y0: number, sx: number, sy: number): Affine {
  return [sx, 0, -x0 * sx, 0, sy, -y0 * sy];
}
