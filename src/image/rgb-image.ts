/**
 * A decoded picture: packed 8-bit RGB, row-major, no padding between rows. Every stage of Mien
 * (decoders, face geometry, model preprocessing) speaks this one layout.
 */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes: R, G, B per pixel. */
  readonly data: Uint8Array;
}

export function createRgbImage(width: number, height: number, data?: Uint8Array): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new TypeError(`image size must be positive integers, got ${width}x${height}`);
  }
  const size = width * height * 3;
  if (data && data.length !== size) {
    throw new TypeError(`RGB data for ${width}x${height} must be ${size} bytes, got ${data.length}`);
  }
  return { width, height, data: data ?? new Uint8Array(size) };
}
