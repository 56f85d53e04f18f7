/**
 * The blendshape model's input, as `FaceBlendshapesGraph`
 * (`mediapipe/tasks/cc/vision/face_landmarker/face_blendshapes_graph.cc`) builds it: a fixed
 * subset of 146 landmarks (`kLandmarksSubsetIdxs`, SplitNormalizedLandmarkListCalculator in this
 * order), then `LandmarksToTensorCalculator` with attributes X, Y, flatten false and IMAGE_SIZE:
 * x * image width, y * image height (`mediapipe/calculators/tensor/landmarks_to_tensor_calculator.cc`).
 *
 * The landmarks are the projected ones (normalised to the full image) and IMAGE_SIZE is the full
 * image's size, so the points are in image pixels, not in the 256x256 crop's coordinates. In
 * VIDEO / LIVE_STREAM mode with one face, newer MediaPipe feeds the smoothed landmarks.
 */

/** `kLandmarksSubsetIdxs`, in model order. */
export const BLENDSHAPE_LANDMARK_INDICES: readonly number[] = Object.freeze([
  0, 1, 4, 5, 6, 7, 8, 10, 13, 14, 17, 21, 33, 37, 39,
  40, 46, 52, 53, 54, 55, 58, 61, 63, 65, 66, 67, 70, 78, 80,
  81, 82, 84, 87, 88, 91, 93, 95, 103, 105, 107, 109, 127, 132, 133,
  136, 144, 145, 146, 148, 149, 150, 152, 153, 154, 155, 157, 158, 159, 160,
  161, 162, 163, 168, 172, 173, 176, 178, 181, 185, 191, 195, 197, 234, 246,
  249, 251, 263, 267, 269, 270, 276, 282, 283, 284, 285, 288, 291, 293, 295,
  296, 297, 300, 308, 310, 311, 312, 314, 317, 318, 321, 323, 324, 332, 334,
  336, 338, 356, 361, 362, 365, 373, 374, 375, 377, 378, 379, 380, 381, 382,
  384, 385, 386, 387, 388, 389, 390, 397, 398, 400, 402, 405, 409, 415, 454,
  466, 468, 469, 470, 471, 472, 473, 474, 475, 476, 477,
]);

/** The model's input shape [1, 146, 2]. */
export const BLENDSHAPE_INPUT_SHAPE = [1, BLENDSHAPE_LANDMARK_INDICES.length, 2] as const;

/**
 * Builds the [1, 146, 2] input (row-major, x then y per point) from 478 landmarks normalised to
 * the image (packed with `stride` values per point, x and y first).
 */
export function blendshapeInput(landmarks: ArrayLike<number>, imageWidth: number, imageHeight: number, stride = 3): Float32Array {
  const needed = 478 * stride - (stride - 2);
  if (landmarks.length < needed) throw new TypeError(`blendshape input needs 478 landmarks, got ${landmarks.length} values`);
  const out = new Float32Array(BLENDSHAPE_LANDMARK_INDICES.length * 2);
  BLENDSHAPE_LANDMARK_INDICES.forEach((index, i) => {
    out[2 * i] = landmarks[index * stride] * imageWidth;
    out[2 * i + 1] = landmarks[index * stride + 1] * imageHeight;
  });
  return out;
}
