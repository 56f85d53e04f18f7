import sharp from 'sharp';
import type { RgbImage } from '../image/rgb-image.js';

export async function encodePng(image: RgbImage): Promise<Uint8Array> {
  return new Uint8Array(await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer());
}

export async function encodeJpeg(image: RgbImage, quality = 80): Promise<Uint8Array> {
  return new Uint8Array(await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer());
}
