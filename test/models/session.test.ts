import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../src/models/errors.js';
import { defaultModelsDir } from '../../src/models/models-dir.js';
import { openModelSession, ort, sessionOptions } from '../../src/models/session.js';

const MODEL = join(defaultModelsDir(), 'fr_landmark.onnx');

/** A factory that fails for CUDA the way onnxruntime-node does without a GPU, and records calls. */
function factory(cudaWorks: boolean) {
  const asked: string[] = [];
  const create = async (path: string, options: ort.InferenceSession.SessionOptions) => {
    const provider = String(options.executionProviders?.[0]);
    asked.push(provider);
    if (provider === 'cuda' && !cudaWorks) throw new Error('OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library');
    return ort.InferenceSession.create(path, { ...options, executionProviders: ['cpu'] });
  };
  return { asked, create };
}

describe('openModelSession', () => {
  it('uses CUDA when its provider loads', async () => {
    const { asked, create } = factory(true);
    const session = await openModelSession(MODEL, {}, create, () => true);
    expect(session.provider).toBe('cuda');
    expect(asked).toEqual(['cuda']);
    await session.close();
  });

  it('falls back to CPU with one log line when CUDA fails to load', async () => {
    const { asked, create } = factory(false);
    const lines: string[] = [];
    const session = await openModelSession(MODEL, { log: (l) => lines.push(l) }, create, () => true);
    expect(session.provider).toBe('cpu');
    expect(asked).toEqual(['cuda', 'cpu']);
    expect(lines.length).toBeLessThanOrEqual(1);
    await session.close();
    await session.close();
  });

  it('does not try CUDA when its libraries are not installed, or when told to use the CPU', async () => {
    for (const [options, installed] of [[{}, false], [{ provider: 'cpu' as const }, true]] as const) {
      const { asked, create } = factory(true);
      const session = await openModelSession(MODEL, { ...options, log: () => {} }, create, () => installed);
      expect(session.provider).toBe('cpu');
      expect(asked).toEqual(['cpu']);
      await session.close();
    }
  });

  it('fails clearly when CUDA is required but cannot load', async () => {
    const { create } = factory(false);
    await expect(openModelSession(MODEL, { provider: 'cuda' }, create, () => true)).rejects.toThrow(/cannot use CUDA.*Failed to load/);
  });

  it('names the missing file and the command that provides it', async () => {
    await expect(openModelSession('/nonexistent/model.onnx')).rejects.toThrow(ModelLoadError);
    await expect(openModelSession('/nonexistent/model.onnx')).rejects.toThrow(/mien models fetch/);
  });
});

describe('sessionOptions', () => {
  it('turns off thread spinning and takes thread counts', () => {
    const options = sessionOptions({ intraOpThreads: 3, interOpThreads: 2 }, 'cpu');
    expect(options.intraOpNumThreads).toBe(3);
    expect(options.interOpNumThreads).toBe(2);
    expect(options.extra).toEqual({ session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } });
  });

  it('takes thread counts from its options (the settings read the environment), and refuses nonsense', () => {
    expect(sessionOptions({ intraOpThreads: 1 }, 'cpu').intraOpNumThreads).toBe(1);
    expect(sessionOptions({}, 'cpu').interOpNumThreads).toBe(1);
    expect(() => sessionOptions({ interOpThreads: 0 }, 'cpu')).toThrow(TypeError);
    expect(() => sessionOptions({ intraOpThreads: 1.5 }, 'cpu')).toThrow(/intraOpThreads must be a positive integer/);
  });
});
