import sharp from 'sharp';
import { createRgbImage, type RgbImage } from '../image/rgb-image.js';
import { resizeBilinear } from '../image/warp.js';

/** One picture of a contact sheet and the lines written under it. */
export interface ContactTile {
  readonly image: RgbImage;
  readonly caption: readonly string[];
}

export interface ContactSheetOptions {
  /** Tiles per row. Default: up to 5. */
  readonly columns?: number;
  /** Side of each (square) picture, px. Default `CONTACT_TILE`. */
  readonly tileSize?: number;
  /** A line across the top. */
  readonly title?: string;
}

/** The default side of a contact sheet's pictures, px. */
export const CONTACT_TILE = 160;

const GAP = 8, LINE = 16, BACKGROUND = 32;

const escapeXml = (s: string): string => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Lays the tiles out in rows, each picture above its caption, as a PNG. */
export async function contactSheetPng(tiles: readonly ContactTile[], options: ContactSheetOptions = {}): Promise<Uint8Array> {
  if (tiles.length === 0) throw new RangeError('a contact sheet needs at least one tile');
  const size = options.tileSize ?? CONTACT_TILE;
  const columns = Math.min(options.columns ?? 5, tiles.length);
  const lines = Math.max(...tiles.map((t) => t.caption.length));
  const top = options.title ? LINE + GAP : 0;
  const cellW = size + GAP, cellH = size + lines * LINE + GAP;
  const rows = Math.ceil(tiles.length / columns);
  const sheet = createRgbImage(GAP + columns * cellW, top + GAP + rows * cellH);
  sheet.data.fill(BACKGROUND);
  const texts: string[] = [];
  if (options.title) texts.push(`<text x="${GAP}" y="${LINE + GAP / 2}" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`);
  tiles.forEach((tile, i) => {
    const x0 = GAP + (i % columns) * cellW, y0 = top + GAP + Math.floor(i / columns) * cellH;
    const picture = resizeBilinear(tile.image, size, size);
    for (let y = 0; y < size; y++) sheet.data.set(picture.data.subarray(y * size * 3, (y + 1) * size * 3), ((y0 + y) * sheet.width + x0) * 3);
    tile.caption.forEach((line, k) => texts.push(`<text x="${x0}" y="${y0 + size + (k + 1) * LINE - 3}" font-size="12">${escapeXml(line)}</text>`));
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${sheet.width}" height="${sheet.height}"><g font-family="sans-serif" fill="#eeeeee">${texts.join('')}</g></svg>`;
  const png = await sharp(sheet.data, { raw: { width: sheet.width, height: sheet.height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
