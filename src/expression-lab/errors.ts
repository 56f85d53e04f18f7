/** The int8 expression model's calibration picture shows no face. */
export class CalibrationPictureError extends Error {
  override name = 'CalibrationPictureError';
}
