/**
 * SSD anchors, ported from MediaPipe's `mediapipe/calculators/tflite/ssd_anchors_calculator.cc`
 * (`GenerateAnchors`, the non-multiscale path), with the face detector's options from
 * `mediapipe/tasks/cc/vision/face_detector/face_detector_graph.cc` (`ConfigureSsdAnchorsCalculator`).
 */

/** The subset of `SsdAnchorsCalculatorOptions` the non-multiscale generator reads. */
export interface SsdAnchorOptions {
  readonly inputWidth: number;
  readonly inputHeight: number;
  readonly minScale: number;
  readonly maxScale: number;
  /** One stride per layer; consecutive equal strides share one feature map. */
  readonly strides: readonly number[];
  readonly aspectRatios: readonly number[];
  readonly anchorOffsetX: number;
  readonly anchorOffsetY: number;
  /** When > 0, adds one anchor per cell of scale sqrt(scale * nextScale) at this aspect ratio. */
  readonly interpolatedScaleAspectRatio: number;
  /** Every anchor gets w = h = 1: the model regresses sizes directly (BlazeFace). */
  readonly fixedAnchorSize: boolean;
  /** MediaPipe's predefined (1, 2, 0.5) anchors on the first layer; off for BlazeFace. */
  readonly reduceBoxesInLowestLayer?: boolean;
}

/** BlazeFace short range, 128x128: `ConfigureSsdAnchorsCalculator` in face_detector_graph.cc. */
export const FACE_DETECTOR_ANCHOR_OPTIONS: SsdAnchorOptions = {
  inputWidth: 128,
  inputHeight: 128,
  minScale: 0.1484375,
  maxScale: 0.75,
  strides: [8, 16, 16, 16],
  aspectRatios: [1.0],
  anchorOffsetX: 0.5,
  anchorOffsetY: 0.5,
  interpolatedScaleAspectRatio: 1.0,
  fixedAnchorSize: true,
};

/** Floats per anchor in the packed layout: x centre, y centre, width, height (all normalised). */
export const ANCHOR_STRIDE = 4;

function calculateScale(minScale: number, maxScale: number, strideIndex: number, numStrides: number): number {
  return numStrides === 1 ? (minScale + maxScale) * 0.5 : minScale + ((maxScale - minScale) * strideIndex) / (numStrides - 1);
}

/**
 * Generates the anchors as packed [xCenter, yCenter, w, h] per anchor, in the order the model
 * emits its boxes: layer groups by stride, then rows, then columns, then anchors per cell.
 */
export function generateSsdAnchors(options: SsdAnchorOptions): Float32Array {
  const { strides } = options;
  if (strides.length === 0) throw new TypeError('SSD anchors need at least one stride');
  const anchors: number[] = [];
  let layer = 0;
  while (layer < strides.length) {
    const heights: number[] = [];
    const widths: number[] = [];
    const ratios: number[] = [];
    const scales: number[] = [];
    // Layers with the same stride are merged into one feature map, as MediaPipe does.
    let last = layer;
    while (last < strides.length && strides[last] === strides[layer]) {
      const scale = calculateScale(options.minScale, options.maxScale, last, strides.length);
      if (last === 0 && options.reduceBoxesInLowestLayer) {
        ratios.push(1.0, 2.0, 0.5);
        scales.push(0.1, scale, scale);
      } else {
        for (const ratio of options.aspectRatios) {
          ratios.push(ratio);
          scales.push(scale);
        }
        if (options.interpolatedScaleAspectRatio > 0) {
          const next = last === strides.length - 1 ? 1.0 : calculateScale(options.minScale, options.maxScale, last + 1, strides.length);
          scales.push(Math.sqrt(scale * next));
          ratios.push(options.interpolatedScaleAspectRatio);
        }
      }
      last++;
    }
    for (let i = 0; i < ratios.length; i++) {
      const root = Math.sqrt(ratios[i]);
      heights.push(scales[i] / root);
      widths.push(scales[i] * root);
    }
    const mapHeight = Math.ceil(options.inputHeight / strides[layer]);
    const mapWidth = Math.ceil(options.inputWidth / strides[layer]);
    for (let y = 0; y < mapHeight; y++) {
      for (let x = 0; x < mapWidth; x++) {
        for (let a = 0; a < heights.length; a++) {
          anchors.push(
            (x + options.anchorOffsetX) / mapWidth,
            (y + options.anchorOffsetY) / mapHeight,
            options.fixedAnchorSize ? 1 : widths[a],
            options.fixedAnchorSize ? 1 : heights[a],
          );
        }
      }
    }
    layer = last;
  }
  return Float32Array.from(anchors);
}

let cachedFaceDetectorAnchors: Float32Array | undefined;

/** The 896 anchors of BlazeFace short range, computed once. Treat as read-only. */
export function faceDetectorAnchors(): Float32Array {
  cachedFaceDetectorAnchors ??= generateSsdAnchors(FACE_DETECTOR_ANCHOR_OPTIONS);
  return cachedFaceDetectorAnchors;
}
