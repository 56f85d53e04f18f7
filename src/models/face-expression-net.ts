import type { ExpressionModelContract } from './expression.js';
import type { NpmPackage } from './model-source.js';
import type { ImageInputContract } from './tensor-input.js';

/** The package that ships face-api.js's models with their weights (MIT licence, face-api.js's too). */
export const FACE_API_PACKAGE: NpmPackage = {
  name: '@vladmandic/face-api',
  version: '1.7.15',
  integrity: 'sha512-WDMmK3CfNLo8jylWqMoQgf4nIst3M0fzx1dnac96wv/dvMTN4DxC/Pq1DGtduDk1lktCamQ3MIDXFnvrdHTXDw==',
};

/**
 * face-api.js's FaceExpressionNet (Vincent Mühler): four dense blocks of depthwise-separable
 * convolutions, 256-d average-pooled features, 7 classes; 0.32 M parameters. Its weights ship as
 * a TensorFlow.js weights manifest with 8-bit quantized tensors, which `mien models fetch`
 * rebuilds as ONNX (`faceExpressionNetOnnx`, src/model-build/face-expression-net-onnx.ts), so it runs under ONNX Runtime like every other
 * model. Mien's default expression model: the best cross-person triplet accuracy on the fixtures
 * (docs/expression.md).
 */
export const FACE_EXPRESSION_NET = {
  kind: 'face-api-expression-net',
  source: {
    file: 'face_expression_net.onnx',
    package: FACE_API_PACKAGE,
    from: [
      { path: 'model/face_expression_model-weights_manifest.json', sha256: '5b349c17c7836da506e03422cd6461c74085d8bb2713ad4114647dc5d28174c8' },
      { path: 'model/face_expression_model.bin', sha256: '9a9840f2cf1f4c7eab95f197512569345c00d2426754d4608b92af30e0300f3d' },
    ],
    recipe: { kind: 'face-expression-net-onnx', version: 1 },
  },
  input: { name: 'input', width: 112, height: 112, colour: 'rgb', mean: [122.782, 117.001, 104.298], std: [255, 255, 255] } satisfies ImageInputContract,
  /**
   * face-api's own crop (its alignedRect and toBatchTensor), at three scales around the one that
   * scored best on training people: the net's output swings with the crop's scale (cross-person
   * triplet accuracy from 0.63 to 0.86 on validation people between growths 0.3 and 0.35; face-api
   * itself grows the box by 0.2), and the mean of three neighbouring scales is steadier
   * (docs/expression.md).
   */
  crop: { kind: 'landmark-box', growths: [0.35, 0.4, 0.45] },
  outputs: { logits: 'logits', pooled: 'features' },
  pooledSize: 256,
} as const satisfies ExpressionModelContract;
