import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DENSENET_FER } from '../../src/models/expression.js';
import { defaultModelsDir } from '../../src/models/provision.js';
import { mien } from '../support/cli.js';
import { fixture, scratchDir } from '../support/fixtures.js';

/** A models folder already holding the provisioned float models, so no registry is needed. */
let dir: string;
beforeAll(() => {
  dir = scratchDir();
  for (const file of readdirSync(defaultModelsDir())) {
    if (file.endsWith('.onnx') && !file.includes('int8')) copyFileSync(join(defaultModelsDir(), file), join(dir, file));
  }
  copyFileSync(join(defaultModelsDir(), 'manifest.json'), join(dir, 'manifest.json'));
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
