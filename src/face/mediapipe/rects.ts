/**
 * MediaPipe's two rectangle types and the conversion between them.
 */

/**
 * MediaPipe's `NormalizedRect` (`mediapipe/framework/formats/rect.proto`): centre and size as
 * fractions of the image width and height, rotation in radians, clockwise on screen (y points down).
 * The ROI type every face-landmarker stage passes on.
 */
export interface NormalizedRect {
  readonly xCenter: number;
  readonly yCenter: number;
  readonly width: number;
  readonly height: number;
  readonly rotation: number;
}

/** MediaPipe's `RotatedRect` (`image_to_tensor_utils.h`): the same in image pixels. */
export interface RotatedRect {
  readonly xCenter: number;
  readonly yCenter: number;
  readonly width: number;
  readonly height: number;
  readonly rotation: number;
}

/**
 * The ROI in pixels, as `GetRoi` in `mediapipe/calculators/tensor/image_to_tensor_utils.cc`: the
 * normalised rect scaled by the image size, or the whole image when there is no rect.
 */
export function toRotatedRect(rect: NormalizedRect | undefined, imageWidth: number, imageHeight: number): RotatedRect {
  if (!rect) return { xCenter: 0.5 * imageWidth, yCenter: 0.5 * imageHeight, width: imageWidth, height: imageHeight, rotation: 0 };
  return {
    xCenter: rect.xCenter * imageWidth,
    yCenter: rect.yCenter * imageHeight,
    width: rect.width * imageWidth,
    height: rect.height * imageHeight,
    rotation: rect.rotation,
  };
}

/** Wraps an angle into [-pi, pi), as `NormalizeRadians` in MediaPipe's rect calculators. */
export function normalizeRadians(angle: number): number {
  return angle - 2 * Math.PI * Math.floor((angle + Math.PI) / (2 * Math.PI));
}
