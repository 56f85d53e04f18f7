import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TaskBundleError } from '../../../src/model-build/errors.js';
import { crc32, readTaskBundle } from '../../../src/model-build/tflite/task-bundle.js';
import { readTask } from './face-landmarker-fixture.js';
import { writeZip } from './zip-writer.js';

describe('readTaskBundle', () => {
  it('reads the four stored entries of face_landmarker.task with the sizes its README lists', () => {
    const task = readTask();
    expect(createHash('sha256').update(task).digest('hex')).toBe('64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff');
    const sizes = Object.fromEntries([...readTaskBundle(task)].map(([name, bytes]) => [name, bytes.length]));
    expect(sizes).toEqual({
      'face_detector.tflite': 229_746,
      'face_landmarks_detector.tflite': 2_553_590,
      'geometry_pipeline_metadata_landmarks.binarypb': 19_376,
      'face_blendshapes.tflite': 955_312,
    });
    // A TFLite flatbuffer carries its identifier at bytes 4..8.
    expect(Buffer.from(readTaskBundle(task).get('face_detector.tflite')!.subarray(4, 8)).toString()).toBe('TFL3');
  });

  it('computes the standard CRC-32 check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('returns each entry\'s bytes, also behind an archive comment', () => {
    const a = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    const bundle = writeZip([{ name: 'a.tflite', data: a }, { name: 'empty.bin', data: new Uint8Array(0) }], 'made by a test');
    const entries = readTaskBundle(bundle);
    expect([...entries.keys()]).toEqual(['a.tflite', 'empty.bin']);
    expect(Buffer.from(entries.get('a.tflite')!).equals(Buffer.from(a))).toBe(true);
    expect(entries.get('empty.bin')!.length).toBe(0);
  });

  it('refuses a compressed entry by name', () => {
    const bundle = writeZip([{ name: 'model.tflite', data: new Uint8Array(500).fill(7), method: 'deflate' }]);
    expect(() => readTaskBundle(bundle)).toThrow(new TaskBundleError('entry "model.tflite" is compressed (deflate); a .task bundle\'s entries must be stored'));
  });

  it('refuses truncated and corrupted bundles with one line', () => {
    const task = readTask();
    const expectOneLine = (bytes: Uint8Array, pattern: RegExp) => {
      let error: unknown;
      try {
        readTaskBundle(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TaskBundleError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).not.toContain('\n');
    };
    expectOneLine(task.subarray(0, task.length / 2), /no end-of-central-directory record .*truncated/);
    expectOneLine(task.subarray(0, 10), /no end-of-central-directory record/);
    expectOneLine(new Uint8Array(0), /no end-of-central-directory record/);
    // A megabyte cut from the middle: the end record now points past where the directory lies.
    const cut = Buffer.concat([task.subarray(0, 1_000_000), task.subarray(2_000_000)]);
    expectOneLine(new Uint8Array(cut), /^central directory \(bytes 3758272\.\.3758574\) overlaps its end record at 2758574: truncated or corrupt$/);
    const flipped = task.slice();
    flipped[100_000] ^= 0x40;
    expectOneLine(flipped, /^entry "face_detector.tflite" fails its CRC-32 check: corrupt$/);
    const shortData = writeZip([{ name: 'x.tflite', data: new Uint8Array(64) }]);
    new DataView(shortData.buffer).setUint32(shortData.length - 22 - 46 - 8 + 24, 1 << 20, true);
    new DataView(shortData.buffer).setUint32(shortData.length - 22 - 46 - 8 + 20, 1 << 20, true);
    expectOneLine(shortData, /^entry "x.tflite" \(1048576 bytes at 38\) runs past the end of the .*: truncated$/);
  });
});
