import { invertAffine, type Affine } from '../../image/affine.js';
import { toRotatedRect, type NormalizedRect, type RotatedRect } from './rects.js';

/**
 * The geometry of MediaPipe's `ImageToTensorCalculator`: which rotated region of the image becomes
 * the model's input tensor, and the maps between the two. Ported from
 * `mediapipe/calculators/tensor/image_to_tensor_utils.cc` (`GetRoi`, `PadRoi`,
 * `GetRotatedSubRectToRectTransformMatrix`), `image_to_tensor_calculator.cc` (`Process`) and the
 * converters `image_to_tensor_converter_opencv.cc` / `image_to_tensor_converter_gl_texture.cc`.
 */

/** Letterbox padding [left, top, right, bottom] as fractions of the tensor size. */
export type LetterboxPadding = readonly [number, number, number, number];

/**
 * `PadRoi`: with keep_aspect_ratio, grows the ROI (about its centre) to the tensor's aspect ratio
 * and reports the padding that the letterbox adds; without, the ROI is stretched and padding is 0.
 */
export function padRoi(roi: RotatedRect, tensorWidth: number, tensorHeight: number, keepAspectRatio: boolean): { roi: RotatedRect; padding: LetterboxPadding } {
  if (!keepAspectRatio) return { roi, padding: [0, 0, 0, 0] };
  if (!(tensorWidth > 0 && tensorHeight > 0)) throw new RangeError('tensor width and height must be > 0');
  if (!(roi.width > 0 && roi.height > 0)) throw new RangeError('ROI width and height must be > 0');
  const tensorAspect = tensorHeight / tensorWidth;
  const roiAspect = roi.height / roi.width;
  if (tensorAspect > roiAspect) {
    const vertical = (1 - roiAspect / tensorAspect) / 2;
    return { roi: { ...roi, height: roi.width * tensorAspect }, padding: [0, vertical, 0, vertical] };
  }
  const horizontal = (1 - tensorAspect / roiAspect) / 2;
  return { roi: { ...roi, width: roi.height / tensorAspect }, padding: [horizontal, 0, horizontal, 0] };
}

/**
 * `GetRotatedSubRectToRectTransformMatrix`: the 4x4 row-major matrix taking a point of the tensor,
 * normalised to [0, 1], to the image, normalised by (rectWidth, rectHeight); z is scaled like x.
 * ImageToTensor sends it as MATRIX (rect = image size); DetectionProjection and LandmarkProjection
 * apply it. Computed in double precision; MediaPipe uses float.
 */
export function rotatedSubRectToRectMatrix(subRect: RotatedRect, rectWidth: number, rectHeight: number, flipHorizontally = false): Float64Array {
  const a = subRect.width, b = subRect.height;
  const flip = flipHorizontally ? -1 : 1;
  const c = Math.cos(subRect.rotation), d = Math.sin(subRect.rotation);
  const e = subRect.xCenter, f = subRect.yCenter;
  const g = 1 / rectWidth, h = 1 / rectHeight;
  const m = new Float64Array(16);
  m[0] = a * c * flip * g;
  m[1] = -b * d * g;
  m[3] = (-0.5 * a * c * flip + 0.5 * b * d + e) * g;
  m[4] = a * d * flip * h;
  m[5] = b * c * h;
  m[7] = (-0.5 * b * c - 0.5 * a * d * flip + f) * h;
  m[10] = a * g;
  m[15] = 1;
  return m;
}

/** What ImageToTensorCalculator derives for one image and (optional) ROI. */
export interface ImageToTensorGeometry {
  /** The ROI in pixels after letterbox padding: exactly the region that fills the tensor. */
  readonly roi: RotatedRect;
  readonly padding: LetterboxPadding;
  /** Tensor (normalised) -> image (normalised), as the calculator's MATRIX output. */
  readonly matrix: Float64Array;
}

/** `ImageToTensorCalculator::Process`: GetRoi, PadRoi, then the MATRIX for the padded ROI. */
export function imageToTensorGeometry(
  imageWidth: number,
  imageHeight: number,
  rect: NormalizedRect | undefined,
  tensorWidth: number,
  tensorHeight: number,
  keepAspectRatio: boolean,
): ImageToTensorGeometry {
  const { roi, padding } = padRoi(toRotatedRect(rect, imageWidth, imageHeight), tensorWidth, tensorHeight, keepAspectRatio);
  return { roi, padding, matrix: rotatedSubRectToRectMatrix(roi, imageWidth, imageHeight) };
}

/**
 * The crop -> image map in continuous pixel coordinates (pixel i covers [i, i + 1)): the point
 * (x, y) of a cropWidth x cropHeight tensor lands at
 * centre + R(rotation) * ((x / cropWidth - 0.5) * roi.width, (y / cropHeight - 0.5) * roi.height).
 * The pixel form of `rotatedSubRectToRectMatrix`, independent of the image size.
 */
export function cropToImageAffine(roi: RotatedRect, cropWidth: number, cropHeight: number): Affine {
  const c = Math.cos(roi.rotation), s = Math.sin(roi.rotation);
  const sx = roi.width / cropWidth, sy = roi.height / cropHeight;
  return [
    c * sx, -s * sy, roi.xCenter - 0.5 * (c * roi.width - s * roi.height),
    s * sx, c * sy, roi.yCenter - 0.5 * (s * roi.width + c * roi.height),
  ];
}

/**
 * The image -> crop map (the inverse of `cropToImageAffine`): the `toOutput` map that
 * src/image/warp.ts's `warpAffine` takes, and the one to project image points into the crop.
 */
export function imageToCropAffine(roi: RotatedRect, cropWidth: number, cropHeight: number): Affine {
  return invertAffine(cropToImageAffine(roi, cropWidth, cropHeight));
}

/**
 * Where MediaPipe's converters put pixel centres:
 * - `opencv` (CPU path, `image_to_tensor_converter_opencv.cc`): `cv::boxPoints` of the ROI are
 *   mapped to the tensor corners (0, 0)..(W, H) by `getPerspectiveTransform`, and
 *   `cv::warpPerspective` reads both images with pixel centres at integers. In continuous
 *   coordinates that is the exact map shifted by half a pixel on both sides. (imageToTensor
 *   samples it through opencv-warp.ts, which also rounds positions exactly as OpenCV does.)
 * - `gl` (GPU path, `image_to_tensor_converter_gl_texture.cc`): texture coordinates, pixel centres
 *   at +0.5: exactly `cropToImageAffine`, as src/image/warp.ts also samples.
 * The web runtime's default CPU delegate runs the OpenCV path (ImagePreprocessingGraph uses
 * CPU_BACKEND unless the acceleration is GPU).
 */
export type PixelConvention = 'opencv' | 'gl';

/**
 * The map from an output pixel's index (column, row) to the source position it samples, in index
 * units (source pixel (i, j) has its centre at (i, j)), for the given converter convention.
 */
export function cropSamplingAffine(roi: RotatedRect, cropWidth: number, cropHeight: number, convention: PixelConvention): Affine {
  const m = cropToImageAffine(roi, cropWidth, cropHeight);
  if (convention === 'opencv') return m;
  // Sample at the output pixel's centre (+0.5) and read the source with centres at +0.5.
  return [m[0], m[1], 0.5 * (m[0] + m[1]) + m[2] - 0.5, m[3], m[4], 0.5 * (m[3] + m[4]) + m[5] - 0.5];
}
