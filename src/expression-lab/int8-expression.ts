import type { FaceCore, LocatedFace } from '../face/analyser.js';
import { largestFace } from '../face/detect.js';
import type { RgbImage } from '../image/rgb-image.js';
import { quantizeWithCalibration } from '../model-build/calibration.js';
import { DENSENET_FER } from '../models/expression.js';
import { CalibrationPictureError } from './errors.js';
import { jitteredEyeCrop, mirrored, TRAINING_JITTERS, type CropJitter } from './views.js';

/** Past the training jitters: larger turns, scales and shifts, as a moving head gives. */
const CALIBRATION_JITTERS: readonly CropJitter[] = [
  { angle: 0, scale: 1, dx: 0, dy: 0 },
  ...TRAINING_JITTERS,
  { angle: 0.15, scale: 1.1, dx: 5, dy: 0 },
  { angle: -0.15, scale: 0.9, dx: -5, dy: 5 },
  { angle: 0.1, scale: 0.85, dx: 0, dy: -6 },
];

const relit = (image: RgbImage, gain: number, offset: number): RgbImage => ({
  ...image,
  data: Uint8Array.from(image.data, (v) => Math.max(0, Math.min(255, Math.round(v * gain + offset)))),
});

/**
 * What the expression model is calibrated on: one face's eye-aligned crop turned, scaled, shifted,
 * mirrored, darkened and brightened (32 views), so activation ranges cover more than one pose and
 * exposure of one face.
 */
export function calibrationViews(face: LocatedFace): RgbImage[] {
  return CALIBRATION_JITTERS.flatMap((jitter) => {
    const crop = jitteredEyeCrop(face, jitter);
    const flipped = mirrored(crop);
    return [crop, flipped, relit(crop, 0.7, 0), relit(flipped, 1.2, 10)];
  });
}

/** The int8 expression model, calibrated on the largest face in `picture`. */
export async function int8ExpressionModel(core: FaceCore, picture: RgbImage, float: Uint8Array): Promise<Uint8Array> {
  const [detections] = await core.detect([picture]);
  const largest = largestFace(detections);
  if (!largest) throw new CalibrationPictureError('the calibration picture shows no face');
  const [face] = await core.locate([{ frame: picture, detection: largest }]);
  return quantizeWithCalibration(float, DENSENET_FER.input, calibrationViews(face));
}
