/**
 * MediaPipe Face Landmarker's pre- and post-processing, ported from MediaPipe's sources as pure
 * functions over typed arrays. No model runs here; see each file for the MediaPipe file it follows.
 */
export * from './blendshape-input.js';
export * from './blendshape-names.js';
export * from './crop-transform.js';
export * from './detections.js';
export * from './face-geometry.js';
export * from './face-roi.js';
export * from './geometry-metadata.js';
export * from './image-to-tensor.js';
export * from './landmarks.js';
export * from './opencv-warp.js';
export * from './pipeline.js';
export * from './procrustes.js';
export * from './rects.js';
export * from './ssd-anchors.js';
export * from './weighted-nms.js';
