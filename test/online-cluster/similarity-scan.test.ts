import { readFileSync } from 'node:fs';
import wabt from 'wabt';
import { describe, expect, it } from 'vitest';
import { dot } from '../../src/math/vector.js';
import { SIMILARITY_SCAN_WASM_BASE64 } from '../../src/online-cluster/similarity-scan-wasm.js';
import { WasmSimilarityScan } from '../../src/online-cluster/wasm-similarity-scan.js';
import { faceLikeEmbeddings } from './embeddings.js';

describe('WasmSimilarityScan', () => {
  it('runs the module compiled from similarity-scan.wat', async () => {
    const source = readFileSync(new URL('../../src/online-cluster/similarity-scan.wat', import.meta.url), 'utf8');
    const { buffer } = (await wabt()).parseWat('similarity-scan.wat', source).toBinary({});
    // On a mismatch, paste this value into src/online-cluster/similarity-scan-wasm.ts.
    expect(Buffer.from(buffer).toString('base64')).toBe(SIMILARITY_SCAN_WASM_BASE64);
  });

  it.each([2, 100, 512])('finds the same neighbours as dot products in JavaScript, in %i-d', (dimension) => {
    const vectors = faceLikeEmbeddings(dimension, 60, dimension);
    const scan = new WasmSimilarityScan(vectors.length, dimension);
    vectors.forEach((v, slot) => scan.write(slot, v));
    for (const query of vectors.slice(0, 10)) {
      const exact = vectors.map((v) => dot(query, v));
      const { slots, similarities } = scan.within(query, 0, vectors.length, 0.3);
      expect([...slots]).toEqual(exact.flatMap((s, slot) => (s >= 0.3 ? [slot] : [])));
      similarities.forEach((s, i) => expect(s).toBeCloseTo(exact[slots[i]], 5));
    }
  });

  it('scans a window that wraps past the last slot in window order', () => {
    const [v] = faceLikeEmbeddings(1, 1, 16);
    const scan = new WasmSimilarityScan(5, 16);
    for (let slot = 0; slot < 5; slot++) scan.write(slot, v);
    expect([...scan.within(v, 3, 4, 0.5).slots]).toEqual([3, 4, 0, 1]);
  });

  it('gives dot(a, b) and dot(b, a) bit for bit, so that being neighbours is symmetric', () => {
    const vectors = faceLikeEmbeddings(7, 20, 512);
    const scan = new WasmSimilarityScan(vectors.length, 512);
    vectors.forEach((v, slot) => scan.write(slot, v));
    const all = Int32Array.from(vectors.keys());
    const matrix = vectors.map((_, slot) => scan.dots(scan.row(slot), all));
    matrix.forEach((row, i) => row.forEach((s, j) => expect(s).toBe(matrix[j][i])));
  });
});
