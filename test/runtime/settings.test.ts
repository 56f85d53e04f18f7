import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, runtimeSettings } from '../../src/runtime/settings.js';
import { SettingsError } from '../../src/runtime/errors.js';

describe('runtimeSettings', () => {
  it('gives the defaults for an empty environment', () => {
    expect(runtimeSettings({})).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS).toMatchObject({ expressionModel: 'face-api-expression-net', expressionPrecision: 'auto', inference: { thread: 'worker', intraOpThreads: availableParallelism(), interOpThreads: 1 } });
    expect(DEFAULT_SETTINGS.expressionHead).toBeUndefined();
  });

  it('reads each variable, resolving paths', () => {
    const settings = runtimeSettings({
      MIEN_MODELS_DIR: 'some/models',
      MIEN_EXPRESSION_MODEL: 'densenet121-fer',
      MIEN_EXPRESSION_PRECISION: 'int8',
      MIEN_EXPRESSION_HEAD: 'head.onnx',
      MIEN_FACE_LANDMARKER: 'off',
      MIEN_DATA_DIR: '/var/lib/mien',
      MIEN_INTRA_OP_THREADS: '3',
      MIEN_INTER_OP_THREADS: '2',
      MIEN_INFERENCE_THREAD: 'main',
      MIEN_DEBUG: '1',
    });
    expect(settings).toEqual({
      modelsDir: `${process.cwd()}/some/models`,
      expressionModel: 'densenet121-fer',
      expressionPrecision: 'int8',
      expressionHead: `${process.cwd()}/head.onnx`,
      faceLandmarker: false,
      dataDir: '/var/lib/mien',
      inference: { intraOpThreads: 3, interOpThreads: 2, thread: 'main' },
      debug: true,
    });
  });

  it('names every bad value at once, inherited object keys included', () => {
    const bad = { MIEN_EXPRESSION_MODEL: 'toString', MIEN_EXPRESSION_PRECISION: 'fp16', MIEN_INFERENCE_THREAD: 'gpu', MIEN_INTRA_OP_THREADS: '0', MIEN_INTER_OP_THREADS: 'two' };
    expect(() => runtimeSettings(bad)).toThrow(SettingsError);
    let message = '';
    try {
      runtimeSettings(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/MIEN_EXPRESSION_MODEL must be one of face-api-expression-net, densenet121-fer, got "toString"/);
    expect(message).toMatch(/MIEN_EXPRESSION_PRECISION must be one of auto, int8, float, got "fp16"/);
    expect(message).toMatch(/MIEN_INFERENCE_THREAD must be one of main, worker, got "gpu"/);
    expect(message).toMatch(/MIEN_INTRA_OP_THREADS must be a positive integer, got "0"/);
    expect(message).toMatch(/MIEN_INTER_OP_THREADS must be a positive integer, got "two"/);
  });
});
