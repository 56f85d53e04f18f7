import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DENSENET_FER } from '../../src/models/expression.js';
import { FACE_LANDMARKER } from '../../src/models/face-landmarker.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

/** A models folder already holding the provisioned float models from npm packages, so no registry is needed. */
function packagedModels(): string {
  const dir = scratchDir();
  for (const file of readdirSync(defaultModelsDir())) {
    if (file.endsWith('.onnx') && !file.includes('int8') && !file.startsWith('mediapipe_')) copyFileSync(join(defaultModelsDir(), file), join(dir, file));
  }
  copyFileSync(join(defaultModelsDir(), 'manifest.json'), join(dir, 'manifest.json'));
  return dir;
}

let dir: string;
beforeAll(() => {
  dir = packagedModels();
});

describe('mien models fetch', () => {
  it('says the calibration picture shows no face, and writes no int8 model', async () => {
    const grey = join(scratchDir(), 'grey.png');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: '#808080' } }).png().toFile(grey);
    const run = mien('models', 'fetch', '--dir', dir, '--calibration', grey);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/calibration picture shows no face/);
    expect(existsSync(join(dir, DENSENET_FER.int8.file))).toBe(false);
  });

  it('derives the int8 expression model from a picture with a face, then keeps it', () => {
    const first = mien('models', 'fetch', '--dir', dir, '--calibration', fixture('faces/astronaut.png'));
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/fr_expression\.int8\.onnx written, calibrated on .*astronaut\.png/);
    expect(existsSync(join(dir, DENSENET_FER.int8.file))).toBe(true);
    const again = mien('models', 'fetch', '--dir', dir, '--calibration', fixture('faces/astronaut.png'));
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/fr_expression\.int8\.onnx present/);
  });
});

describe("mien models fetch: MediaPipe's Face Landmarker", () => {
  const task = fileURLToPath(new URL('../../../shared/models/face_landmarker.task', import.meta.url));

  it('takes the .task from a local folder, checks it, converts its three graphs, then keeps them', () => {
    const first = mien('models', 'fetch', '--dir', dir, '--calibration', fixture('faces/astronaut.png'), '--from', dirname(task));
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/Face Landmarker written from .*face_landmarker\.task/);
    for (const file of Object.values(FACE_LANDMARKER.files)) expect(existsSync(join(dir, file))).toBe(true);
    const again = mien('models', 'fetch', '--dir', dir, '--calibration', fixture('faces/astronaut.png'), '--from', dirname(task));
    expect(again.stderr).toMatch(/Face Landmarker present/);
  });

  it('refuses a copy that is not the published file, and writes nothing', () => {
    const other = packagedModels();
    const tampered = join(scratchDir(), 'face_landmarker.task');
    const bytes = readFileSync(task);
    bytes[1000] ^= 0xff;
    writeFileSync(tampered, bytes);
    const bad = mien('models', 'fetch', '--dir', other, '--calibration', fixture('faces/astronaut.png'), '--from', tampered);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/sha256 [0-9a-f]{64}, expected 64184e22.*not the published face_landmarker\.task/);
    for (const file of Object.values(FACE_LANDMARKER.files)) expect(existsSync(join(other, file))).toBe(false);
  });
});
