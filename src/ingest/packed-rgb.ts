import { FrameFormatError } from './errors.js';

/**
 * Packed RGB rows (width * 3 bytes each, no gaps) from GStreamer's RGB layout, whose rows start on
 * 4-byte boundaries: the bytes themselves when there is no padding, else a copy without it.
 */
export function packRgbRows(bytes: Uint8Array, width: number, height: number): Uint8Array {
  const row = width * 3;
  const stride = Math.ceil(row / 4) * 4;
  if (bytes.length === row * height) return bytes;
  if (bytes.length !== stride * height) {
    throw new FrameFormatError(`an RGB frame of ${width}x${height} has ${bytes.length} bytes, expected ${row * height} or ${stride * height}`);
  }
  const packed = new Uint8Array(row * height);
  for (let y = 0; y < height; y++) packed.set(bytes.subarray(y * stride, y * stride + row), y * row);
  return packed;
}
