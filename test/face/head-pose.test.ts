import { describe, expect, it } from 'vitest';
import { headPoseFromLandmarks } from '../../src/face/head-pose.js';

/** A rough 3-D face (camera axes, nose tip at the origin) for every landmark PnP reads. */
const FACE_3D: Record<number, [number, number, number]> = {
  30: [0, 0, 0], 27: [0, -175, 80], 33: [0, 40, 45], 31: [-55, 25, 60], 35: [55, 25, 60],
  36: [-225, -170, 135], 45: [225, -170, 135], 39: [-80, -165, 100], 42: [80, -165, 100],
  48: [-150, 150, 125], 54: [150, 150, 125],
};

/** Projects the face turned by `yawDeg` about the vertical axis, 1500 units from a 640x480 camera. */
function projectedLandmarks(yawDeg: number, jitter = 0): Float32Array {
  const a = (yawDeg * Math.PI) / 180;
  const l = new Float32Array(136);
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2 * jitter;
  for (const [index, [x, y, z]] of Object.entries(FACE_3D)) {
    // Turning towards the image's left carries the eyes (behind the nose) right of the nose.
    const xr = Math.cos(a) * x + Math.sin(a) * z;
    const zr = -Math.sin(a) * x + Math.cos(a) * z + 1500;
    l[2 * Number(index)] = (640 * xr) / zr + 320 + noise();
    l[2 * Number(index) + 1] = (640 * y) / zr + 240 + noise();
  }
  return l;
}

describe('headPoseFromLandmarks', () => {
  it.each([0, 15, -30, 45, -60])('recovers a yaw of %i degrees from exact landmarks', (yaw) => {
    const pose = headPoseFromLandmarks(projectedLandmarks(yaw), 640, 480);
    expect(pose.yaw).toBeCloseTo(yaw, 1);
    expect(Math.abs(pose.pitch)).toBeLessThan(0.1);
    expect(Math.abs(pose.roll)).toBeLessThan(0.1);
    expect(pose.error).toBeLessThan(0.01);
  });

  it('stays within a few degrees with a pixel of landmark noise', () => {
    const pose = headPoseFromLandmarks(projectedLandmarks(35, 1), 640, 480);
    expect(Math.abs(pose.yaw - 35)).toBeLessThan(4);
  });

  it('refuses a landmark set of the wrong size', () => {
    expect(() => headPoseFromLandmarks(new Float32Array(10), 640, 480)).toThrow(/68 landmarks/);
  });
});
