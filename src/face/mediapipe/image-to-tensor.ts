import type { RgbImage } from '../../image/rgb-image.js';
import { cropSamplingAffine, imageToTensorGeometry, type ImageToTensorGeometry, type PixelConvention } from './crop-transform.js';
import { opencvRemapBilinear, opencvWarpInverse, opencvWarpPositions } from './opencv-warp.js';
import type { NormalizedRect } from './rects.js';

/**
 * A model's input tensor cut from an image, as MediaPipe's `ImageToTensorCalculator` does
 * (`mediapipe/calculators/tensor/image_to_tensor_calculator.cc` with the converters
 * `image_to_tensor_converter_opencv.cc` and `image_to_tensor_converter_gl_texture.cc`).
 *
 * Not src/image/warp.ts: that box-filters when shrinking by 2x or more (MediaPipe samples plain
 * bilinear, so a 1280-wide frame letterboxed to 128 aliases there and must here too), has no
 * replicate border (the landmark crop's), and returns bytes rather than a normalised float tensor.
 * For the GL convention, a zero border and less than 2x shrink, the two sample alike (tested).
 * The OpenCV convention (the default) is OpenCV's own arithmetic, see opencv-warp.ts.
 */

export interface ImageToTensorOptions {
  readonly width: number;
  readonly height: number;
  /** Letterbox the ROI into the tensor (true) or stretch it (false). */
  readonly keepAspectRatio: boolean;
  /** Pixel value 0 maps to range[0], 255 to range[1]. */
  readonly range: readonly [number, number];
  /** Taps outside the image: black (`BORDER_ZERO`) or the nearest edge pixel (`BORDER_REPLICATE`). */
  readonly border: 'zero' | 'replicate';
  /** Which converter to mirror; default `opencv`, the web runtime's CPU path. See crop-transform.ts. */
  readonly convention?: PixelConvention;
}

/**
 * The face detector's input: face_detector_graph.cc sets keep_aspect_ratio and BORDER_ZERO; 128x128
 * and the range come from the model's metadata (NormalizationOptions mean 127.5, std 127.5, so
 * [-1, 1]; read from face_detector.tflite). Letterbox bars are therefore -1, not 0.
 */
export const FACE_DETECTOR_INPUT: ImageToTensorOptions = { width: 128, height: 128, keepAspectRatio: true, range: [-1, 1], border: 'zero' };

/**
 * The landmark model's input: face_landmarks_detector_graph.cc leaves ImageToTensor's defaults
 * (keep_aspect_ratio false: the ROI is stretched; border_mode unset = BORDER_REPLICATE); 256x256
 * and [0, 1] from the metadata (mean 0, std 255; read from face_landmarks_detector.tflite).
 */
export const FACE_LANDMARKS_INPUT: ImageToTensorOptions = { width: 256, height: 256, keepAspectRatio: false, range: [0, 1], border: 'replicate' };

export interface ImageTensor extends ImageToTensorGeometry {
  /** NHWC float32, 1 x height x width x 3, RGB. */
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}

/**
 * Cuts `rect` (or the whole image) out of `image` into a tensor. OpenCV convention: exactly
 * `cv::warpPerspective` on the 8-bit image (opencv-warp.ts), then the float scaling
 * `convertTo` does; GL convention: plain float bilinear.
 */
export function imageToTensor(image: RgbImage, rect: NormalizedRect | undefined, options: ImageToTensorOptions): ImageTensor {
  const { width, height } = options;
  const convention = options.convention ?? 'opencv';
  const geometry = imageToTensorGeometry(image.width, image.height, rect, width, height, options.keepAspectRatio);
  const replicate = options.border === 'replicate';
  if (convention === 'opencv') {
    const positions = opencvWarpPositions(opencvWarpInverse(geometry.roi, width, height), width, height);
    const bytes = opencvRemapBilinear(image.data, image.width, image.height, positions, replicate);
    const lut = valueRangeLut(options.range);
    const data = new Float32Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) data[i] = lut[bytes[i]];
    return { ...geometry, data, width, height };
  }
  const [a, b, c, d, e, f] = cropSamplingAffine(geometry.roi, width, height, convention);
  const scale = (options.range[1] - options.range[0]) / 255, offset = options.range[0];
  const src = image.data, sw = image.width, sh = image.height;
  const out = new Float32Array(width * height * 3);
  const rgb = [0, 0, 0];
  const stride = sw * 3;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const fx = a * x + b * y + c, fy = d * x + e * y + f;
      if (fx >= 0 && fy >= 0 && fx < sw - 1 && fy < sh - 1) {
        // All four taps inside the picture (nearly every pixel of a face crop): no border rules.
        const x0 = fx | 0, y0 = fy | 0;
        const tx = fx - x0, ty = fy - y0;
        const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
        const p00 = y0 * stride + x0 * 3, p01 = p00 + stride;
        out[o] = (w00 * src[p00] + w10 * src[p00 + 3] + w01 * src[p01] + w11 * src[p01 + 3]) * scale + offset;
        out[o + 1] = (w00 * src[p00 + 1] + w10 * src[p00 + 4] + w01 * src[p01 + 1] + w11 * src[p01 + 4]) * scale + offset;
        out[o + 2] = (w00 * src[p00 + 2] + w10 * src[p00 + 5] + w01 * src[p01 + 2] + w11 * src[p01 + 5]) * scale + offset;
        continue;
      }
      sampleBilinear(src, sw, sh, fx, fy, replicate, rgb);
      for (let ch = 0; ch < 3; ch++) out[o + ch] = rgb[ch] * scale + offset;
    }
  }
  return { ...geometry, data: out, width, height };
}

/**
 * Byte -> tensor value as the OpenCV converter scales: `GetValueRangeTransformation` (float scale
 * and offset, image_to_tensor_utils.cc), then `convertTo`'s float `v * scale + offset`.
 */
function valueRangeLut(range: readonly [number, number]): Float32Array {
  const f32 = Math.fround;
  const scale = f32(f32(f32(range[1]) - f32(range[0])) / 255);
  const offset = f32(range[0]);
  return Float32Array.from({ length: 256 }, (_, v) => f32(f32(v * scale) + offset));
}

/** Bilinear sample at (fx, fy) with pixel centres at integers; writes the 3 channels to `rgb`. */
function sampleBilinear(src: Uint8Array, sw: number, sh: number, fx: number, fy: number, replicate: boolean, rgb: number[]): void {
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const tx = fx - x0, ty = fy - y0;
  rgb[0] = rgb[1] = rgb[2] = 0;
  for (let k = 0; k < 4; k++) {
    const dx = k & 1, dy = k >> 1;
    const w = (dx ? tx : 1 - tx) * (dy ? ty : 1 - ty);
    if (w === 0) continue;
    let xi = x0 + dx, yi = y0 + dy;
    if (xi < 0 || yi < 0 || xi >= sw || yi >= sh) {
      if (!replicate) continue; // zero border: the tap reads black
      xi = xi < 0 ? 0 : xi >= sw ? sw - 1 : xi;
      yi = yi < 0 ? 0 : yi >= sh ? sh - 1 : yi;
    }
    const p = (yi * sw + xi) * 3;
    rgb[0] += w * src[p];
    rgb[1] += w * src[p + 1];
    rgb[2] += w * src[p + 2];
  }
}
