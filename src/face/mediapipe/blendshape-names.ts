/**
 * The blendshape model's 52 outputs, in order: `kBlendshapeNames` in
 * `mediapipe/tasks/cc/vision/face_landmarker/face_blendshapes_graph.cc`. The scores are the model's
 * own (its last op is a LOGISTIC); `TensorsToClassificationCalculator` runs with top_k 0 and
 * min_score_threshold -1, so MediaPipe returns all 52, unsorted, unchanged. Index 0 is `_neutral`,
 * which MediaPipe says to ignore.
 */
export const BLENDSHAPE_NAMES = [
  '_neutral',
  'browDownLeft',
  'browDownRight',
  'browInnerUp',
  'browOuterUpLeft',
  'browOuterUpRight',
  'cheekPuff',
  'cheekSquintLeft',
  'cheekSquintRight',
  'eyeBlinkLeft',
  'eyeBlinkRight',
  'eyeLookDownLeft',
  'eyeLookDownRight',
  'eyeLookInLeft',
  'eyeLookInRight',
  'eyeLookOutLeft',
  'eyeLookOutRight',
  'eyeLookUpLeft',
  'eyeLookUpRight',
  'eyeSquintLeft',
  'eyeSquintRight',
  'eyeWideLeft',
  'eyeWideRight',
  'jawForward',
  'jawLeft',
  'jawOpen',
  'jawRight',
  'mouthClose',
  'mouthDimpleLeft',
  'mouthDimpleRight',
  'mouthFrownLeft',
  'mouthFrownRight',
  'mouthFunnel',
  'mouthLeft',
  'mouthLowerDownLeft',
  'mouthLowerDownRight',
  'mouthPressLeft',
  'mouthPressRight',
  'mouthPucker',
  'mouthRight',
  'mouthRollLower',
  'mouthRollUpper',
  'mouthShrugLower',
  'mouthShrugUpper',
  'mouthSmileLeft',
  'mouthSmileRight',
  'mouthStretchLeft',
  'mouthStretchRight',
  'mouthUpperUpLeft',
  'mouthUpperUpRight',
  'noseSneerLeft',
  'noseSneerRight',
] as const;

export type BlendshapeName = (typeof BLENDSHAPE_NAMES)[number];

export interface BlendshapeScore {
  readonly index: number;
  readonly name: BlendshapeName;
  readonly score: number;
}

/** Names the model's 52 scores (`StatefulPartitionedCall:0` [52]) in model order. */
export function namedBlendshapes(scores: ArrayLike<number>): BlendshapeScore[] {
  if (scores.length !== BLENDSHAPE_NAMES.length) throw new TypeError(`expected ${BLENDSHAPE_NAMES.length} blendshape scores, got ${scores.length}`);
  return BLENDSHAPE_NAMES.map((name, index) => ({ index, name, score: scores[index] }));
}
