import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFecRow, parseFecCsv, TRIPLET_TYPES, type FecFace } from '../../src/expression-lab/fec.js';

// Fuzzing the FEC CSV reader: a file from outside loses no line silently and breaks on none.

const fraction = fc.double({ min: 0, max: 1, noNaN: true });
const face: fc.Arbitrary<FecFace> = fc
  .record({
    // Quotes and commas inside a name are the CSV's business; line breaks are not (rows are lines).
    image: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() === s && s !== '' && !/[\r\n]/.test(s)),
    x: fc.tuple(fraction, fraction).filter(([a, b]) => a !== b),
    y: fc.tuple(fraction, fraction).filter(([a, b]) => a !== b),
  })
  .map(({ image, x, y }) => ({ image, box: { left: Math.min(...x), right: Math.max(...x), top: Math.min(...y), bottom: Math.max(...y) } }));
const row = fc.record({
  faces: fc.tuple(face, face, face),
  type: fc.constantFrom(...TRIPLET_TYPES),
  annotations: fc.array(fc.constantFrom(1, 2, 3), { minLength: 1, maxLength: 6 }),
});

describe('parseFecCsv', () => {
  it('reads back every row it writes, quotes and commas in names included', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), (rows, eol) => {
        const { triplets, errors } = parseFecCsv(rows.map((r) => formatFecRow(r.faces, r.type, r.annotations)).join(eol));
        expect(errors).toEqual([]);
        expect(triplets.map(({ faces, type, annotations }) => ({ faces, type, annotations }))).toEqual(rows);
      }),
      { numRuns: 500 },
    );
  });

  it('accounts for every line of any text: a triplet or an error with its line number, and never throws', () => {
    const written = row.map((r) => formatFecRow(r.faces, r.type, r.annotations));
    // A written row with a few characters changed: near misses reach the checks noise does not.
    const damaged = fc.tuple(written, fc.nat(), fc.string({ unit: 'binary', maxLength: 4 })).map(([text, at, junk]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + junk + text.slice(i + junk.length);
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(written, damaged, fc.string({ unit: 'binary', maxLength: 120 })), { maxLength: 6 }), (lines) => {
        const text = lines.join('\n');
        const { triplets, errors } = parseFecCsv(text);
        const nonBlank = text.split(/\r?\n/).flatMap((line, i) => (line.trim() === '' ? [] : [i + 1]));
        expect([...triplets.map((t) => t.line), ...errors.map((e) => e.line)].sort((a, b) => a - b)).toEqual(nonBlank);
        for (const error of errors) expect(error.message.length).toBeGreaterThan(0);
        for (const t of triplets) {
          for (const { box } of t.faces) expect(0 <= box.left && box.left < box.right && box.right <= 1 && 0 <= box.top && box.top < box.bottom && box.bottom <= 1).toBe(true);
          for (const a of t.annotations) expect([1, 2, 3]).toContain(a);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
