import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGeometryMetadata } from '../../src/face/mediapipe/geometry-metadata.js';
import { FACE_LANDMARKER } from '../../src/models/face-landmarker.js';
import { provisionFaceLandmarker } from '../../src/model-build/provision.js';
import { scratchDir } from '../support/fixtures.js';

const TASK = fileURLToPath(new URL('../../../shared/models/face_landmarker.task', import.meta.url));

describe('provisionFaceLandmarker', () => {
  it('is unavailable, with the reason and the way out, when the official address cannot be reached', async () => {
    const dir = scratchDir();
    const offline = () => Promise.reject(new Error('getaddrinfo ENOTFOUND storage.googleapis.com'));
    const report = await provisionFaceLandmarker(dir, undefined, offline);
    expect(report).toEqual({ status: 'unavailable', reason: expect.stringMatching(/cannot download https:\/\/storage\.googleapis\.com\/.*ENOTFOUND.*give a copy of face_landmarker\.task with --from/) });
    for (const file of Object.values(FACE_LANDMARKER.files)) expect(existsSync(join(dir, file))).toBe(false);
  });

  it('downloads from the official address where it can, and checks what came', async () => {
    const dir = scratchDir();
    const asked: string[] = [];
    const served = (url: string) => (asked.push(url), Promise.resolve(new Uint8Array(readFileSync(TASK))));
    expect(await provisionFaceLandmarker(dir, undefined, served)).toEqual({ status: 'written', from: FACE_LANDMARKER.task.url });
    expect(asked).toEqual([FACE_LANDMARKER.task.url]);
    expect(await provisionFaceLandmarker(dir, undefined, () => Promise.reject(new Error('not asked again')))).toEqual({ status: 'present' });
    const wrong = () => Promise.resolve(new TextEncoder().encode('<html>a captive portal</html>'));
    await expect(provisionFaceLandmarker(scratchDir(), undefined, wrong)).resolves.toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/sha256 .* not the published/) });
  });

  it("writes the face geometry metadata beside the graphs, with its record, and adds it where it is missing", async () => {
    const dir = scratchDir();
    const geometry = join(dir, FACE_LANDMARKER.geometry.file);
    expect(await provisionFaceLandmarker(dir, TASK)).toEqual({ status: 'written', from: TASK });
    expect(parseGeometryMetadata(new Uint8Array(readFileSync(geometry))).count).toBe(468);
    const record = JSON.parse(readFileSync(`${geometry}.json`, 'utf8')) as { from: Record<string, string> };
    expect(record.from).toEqual({ [FACE_LANDMARKER.task.name]: FACE_LANDMARKER.task.sha256, converter: String(FACE_LANDMARKER.converterVersion) });
    // Models provisioned before the geometry was: made again, geometry included.
    rmSync(geometry);
    rmSync(`${geometry}.json`);
    expect(await provisionFaceLandmarker(dir, TASK)).toEqual({ status: 'written', from: TASK });
    expect(existsSync(geometry)).toBe(true);
    expect(await provisionFaceLandmarker(dir, TASK)).toEqual({ status: 'present' });
  }, 120_000);
});
