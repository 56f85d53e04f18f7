/** Why FaceQA turned a face away. */
export type RejectionReason = 'blur' | 'yaw';

export interface QualityThresholds {
  /** Minimum eye-patch sharpness (sid, 0..255 grey scale). Default 3.0, as in the paper. */
  readonly minSharpness?: number;
  /** Maximum |yaw| in degrees. Default 50, as in the paper. */
  readonly maxYaw?: number;
}

export const QUALITY_DEFAULTS: Required<QualityThresholds> = { minSharpness: 3.0, maxYaw: 50 };

export interface QualityVerdict {
  readonly accepted: boolean;
  readonly reasons: RejectionReason[];
}

/** FaceQA's decision: a face is fit for analysis when its eyes are sharp and it is not in profile. */
export function judgeQuality(sharpness: number, yaw: number, thresholds: QualityThresholds = {}): QualityVerdict {
  const { minSharpness, maxYaw } = { ...QUALITY_DEFAULTS, ...thresholds };
  const reasons: RejectionReason[] = [];
  if (!(sharpness >= minSharpness)) reasons.push('blur');
  if (!(Math.abs(yaw) <= maxYaw)) reasons.push('yaw');
  return { accepted: reasons.length === 0, reasons };
}
