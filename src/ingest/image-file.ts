import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import { createRgbImage, type RgbImage } from '../image/rgb-image.js';
import { ImageDecodeError } from './errors.js';

/** Pictures larger than this are refused before decoding (a 16k x 16k photo; bombs are bigger). */
export const MAX_IMAGE_PIXELS = 268_402_689;
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

/** Decodes a JPEG, PNG, WebP, GIF, TIFF or AVIF picture to RGB, honouring its EXIF orientation. */
export async function decodeImage(bytes: Uint8Array, label = 'image'): Promise<RgbImage> {
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw new ImageDecodeError(`${label}: ${bytes.length} bytes is over the ${MAX_IMAGE_BYTES}-byte limit for pictures`);
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error' })
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return createRgbImage(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.length));
  } catch (error) {
    throw new ImageDecodeError(`${label}: not a picture Mien can read (${(error as Error).message})`);
  }
}

export async function readImageFile(path: string): Promise<RgbImage> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImageDecodeError(`${path}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof ImageDecodeError) throw error;
    throw new ImageDecodeError(`${path}: cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (size > MAX_IMAGE_BYTES) throw new ImageDecodeError(`${path}: ${size} bytes is over the ${MAX_IMAGE_BYTES}-byte limit for pictures`);
  return decodeImage(await readFile(path), path);
}
