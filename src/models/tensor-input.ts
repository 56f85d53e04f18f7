import type { RgbImage } from '../image/rgb-image.js';

/** What a model expects as its image input: the contract every adapter declares. */
export interface ImageInputContract {
  /** Input tensor name. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Channel order of the NCHW tensor; 'grey' is one channel of ITU-R 601 luma. */
  readonly colour: 'rgb' | 'bgr' | 'grey';
  /** Per channel, the tensor holds (pixel - mean) / std with pixels on the 0..255 scale. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Packs same-sized images into one NCHW float tensor under `input`'s normalisation. */
export function packNchw(images: readonly RgbImage[], input: ImageInputContract): Float32Array {
  const { width, height, colour } = input;
  const plane = width * height;
  const channels = colour === 'grey' ? 1 : 3;
  const out = new Float32Array(images.length * channels * plane);
  const scale = input.std.map((s) => 1 / s);
  images.forEach((image, n) => {
    if (image.width !== width || image.height !== height) {
      throw new TypeError(`model input "${input.name}" needs ${width}x${height} images, got ${image.width}x${image.height}`);
    }
    const src = image.data;
    const base = n * channels * plane;
    if (colour === 'grey') {
      const m = input.mean[0], k = scale[0];
      for (let i = 0, p = 0; i < plane; i++, p += 3) {
        out[base + i] = (0.299 * src[p] + 0.587 * src[p + 1] + 0.114 * src[p + 2] - m) * k;
      }
      return;
    }
    const order = colour === 'rgb' ? [0, 1, 2] : [2, 1, 0];
    for (let c = 0; c < 3; c++) {
      const from = order[c], m = input.mean[c], k = scale[c], o = base + c * plane;
      for (let i = 0, p = from; i < plane; i++, p += 3) out[o + i] = (src[p] - m) * k;
    }
  });
  return out;
}
