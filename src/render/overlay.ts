import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbImage } from '../image/rgb-image.js';

/** A face to draw: its box, points and a caption. */
export interface OverlayFace {
  readonly box: readonly [number, number, number, number];
  readonly points: readonly (readonly [number, number])[];
  readonly caption: string;
  /** Accepted faces are drawn green, rejected ones red. */
  readonly accepted: boolean;
}

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** An SVG layer the size of the picture with every face's box, points and caption. */
export function overlaySvg(width: number, height: number, faces: readonly OverlayFace[]): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 300));
  const font = Math.max(12, Math.round(Math.min(width, height) / 40));
  const shapes = faces.map((f) => {
    const colour = f.accepted ? '#2ecc71' : '#e74c3c';
    const [x1, y1] = f.box.map((v) => v.toFixed(1));
    const dots = f.points.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${stroke * 1.5}" fill="${colour}"/>`).join('');
    const ty = Math.max(font, f.box[1] - stroke * 2);
    return (
      `<rect x="${x1}" y="${y1}" width="${(f.box[2] - f.box[0]).toFixed(1)}" height="${(f.box[3] - f.box[1]).toFixed(1)}" ` +
      `fill="none" stroke="${colour}" stroke-width="${stroke}"/>${dots}` +
      `<text x="${x1}" y="${ty.toFixed(1)}" font-family="sans-serif" font-size="${font}" fill="${colour}" ` +
      `stroke="black" stroke-width="${stroke / 3}" paint-order="stroke">${escapeXml(f.caption)}</text>`
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
}

/** `image` with the faces drawn over it, encoded as PNG or JPEG. */
export async function renderOverlay(image: RgbImage, faces: readonly OverlayFace[], format: 'png' | 'jpeg'): Promise<Buffer> {
  const svg = Buffer.from(overlaySvg(image.width, image.height, faces));
  const drawn = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).composite([{ input: svg, top: 0, left: 0 }]);
  return format === 'png' ? drawn.png().toBuffer() : drawn.jpeg({ quality: 75 }).toBuffer();
}

/** Writes `image` with the faces drawn over it as a PNG file. */
export async function writeOverlayPng(image: RgbImage, faces: readonly OverlayFace[], path: string): Promise<void> {
  await writeFile(path, await renderOverlay(image, faces, 'png'));
}
