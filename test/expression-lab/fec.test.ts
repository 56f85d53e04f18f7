import { writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findFecFaces, resolveFecImage, scoreFecFaces } from '../../src/expression-lab/fec-evaluation.js';
import { majorityOddOne, parseFecCsv, splitCsvLine, tripletAgrees } from '../../src/expression-lab/fec.js';
import { scratchDir } from '../support/fixtures.js';

// Six faces on a line: the distance between two is the difference of their positions.
const POSITION: Record<string, number> = { 'a.jpg': 0, 'b.jpg': 1, 'c.jpg': 5, 'd.jpg': 10, 'e.jpg': 10.5, 'f.jpg': 3 };

const face = (name: string): string => `"http://example.org/photos/${name}",0.1,0.9,0.2,0.8`;
const SIX_ROWS = [
  // a-b (1) is closer than a-c (5) and b-c (4): right.
  `${face('a.jpg')},${face('b.jpg')},${face('c.jpg')},"ONE_CLASS_TRIPLET","r1",3,"r2",3,"r3",3`,
  // odd one b: a-c (5) is farther than a-b (1): wrong.
  `${face('a.jpg')},${face('c.jpg')},${face('b.jpg')},"TWO_CLASS_TRIPLET","r1",3,"r2",3,"r3",2`,
  // odd one a (two votes of three): d-e (0.5): right.
  `${face('d.jpg')},${face('e.jpg')},${face('a.jpg')},"THREE_CLASS_TRIPLET","r1",3,"r2",1,"r3",3`,
  // odd one f: a-c (5) is farther than a-f (3): wrong.
  `${face('a.jpg')},${face('f.jpg')},${face('c.jpg')},"ONE_CLASS_TRIPLET","r1",2,"r2",2,"r3",1`,
  // odd one a: f-c (2) beats f-a (3) and c-a (5): right.
  `${face('f.jpg')},${face('c.jpg')},${face('a.jpg')},"TWO_CLASS_TRIPLET","r1",3`,
  // tied annotators: skipped.
  `${face('b.jpg')},${face('f.jpg')},${face('d.jpg')},"THREE_CLASS_TRIPLET","r1",1,"r2",2`,
];

describe('FEC CSV', () => {
  it('reads rows as published, with their boxes, type and annotations', () => {
    const { triplets, errors } = parseFecCsv(SIX_ROWS.join('\n') + '\n');
    expect(errors).toEqual([]);
    expect(triplets).toHaveLength(6);
    expect(triplets[0]).toEqual({
      line: 1,
      faces: ['a.jpg', 'b.jpg', 'c.jpg'].map((n) => ({ image: `http://example.org/photos/${n}`, box: { left: 0.1, right: 0.9, top: 0.2, bottom: 0.8 } })),
      type: 'ONE_CLASS_TRIPLET',
      annotations: [3, 3, 3],
    });
  });

  it('reports malformed rows by line number and reads the rest', () => {
    const text = [SIX_ROWS[0], 'not,a,triplet', '', `${face('a.jpg')},${face('b.jpg')},"c.jpg",0.5,0.2,0,1,"ONE_CLASS_TRIPLET","r1",3`, `${face('a.jpg')},${face('b.jpg')},${face('c.jpg')},"FOUR_CLASS","r1",3`, `${face('a.jpg')},${face('b.jpg')},${face('c.jpg')},"ONE_CLASS_TRIPLET","r1",4`, SIX_ROWS[1]].join('\r\n');
    const { triplets, errors } = parseFecCsv(text);
    expect(triplets.map((t) => t.line)).toEqual([1, 7]);
    expect(errors.map((e) => e.line)).toEqual([2, 4, 5, 6]);
    expect(errors[1].message).toMatch(/face 3 box is empty/);
    expect(errors[2].message).toMatch(/unknown triplet type "FOUR_CLASS"/);
    expect(errors[3].message).toMatch(/annotation "4"/);
  });

  it('splits quoted fields with commas and doubled quotes inside', () => {
    expect(splitCsvLine('"a,b",c,"say ""hi""",')).toEqual(['a,b', 'c', 'say "hi"', '']);
    expect(() => splitCsvLine('"open,c')).toThrow(/unterminated/);
  });

  it('takes the majority annotation and has none on a tie', () => {
    expect(majorityOddOne([3, 1, 3])).toBe(2);
    expect(majorityOddOne([1])).toBe(0);
    expect(majorityOddOne([1, 2])).toBeUndefined();
  });

  it('calls a triplet right only when the similar pair is strictly closer than both others', () => {
    expect(tripletAgrees([[0], [1], [5]], 2)).toBe(true);
    expect(tripletAgrees([[0], [2], [4]], 2)).toBe(false); // 0-2 ties with 2-4
  });
});

describe('FEC evaluator', () => {
  it('scores the six hand-built rows exactly, per type, and counts what it skips', async () => {
    const dir = scratchDir();
    for (const name of Object.keys(POSITION)) writeFileSync(join(dir, name), '');
    const missing = `${face('a.jpg')},${face('gone.jpg')},${face('c.jpg')},"ONE_CLASS_TRIPLET","r1",3`;
    const { triplets } = parseFecCsv([...SIX_ROWS, missing].join('\n'));
    const asked: string[] = [];
    const faces = await findFecFaces(triplets, dir, async (path, boxes) => {
      asked.push(basename(path));
      return boxes.map(() => Float32Array.of(POSITION[basename(path)]));
    });
    // Every picture is described once, however many rows it is in; the tied row's are not needed.
    expect(asked.sort()).toEqual(['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg', 'e.jpg', 'f.jpg']);
    expect(faces.skipped).toEqual({ missingImage: 1, noFace: 0, noMajority: 1 });
    const score = scoreFecFaces(faces.triplets, (v) => v);
    expect(score).toEqual({
      accuracy: 3 / 5,
      rows: 5,
      perType: { ONE_CLASS_TRIPLET: { accuracy: 0.5, n: 2 }, TWO_CLASS_TRIPLET: { accuracy: 0.5, n: 2 }, THREE_CLASS_TRIPLET: { accuracy: 1, n: 1 } },
    });
  });

  it('skips a row when a box holds no face', async () => {
    const dir = scratchDir();
    for (const name of Object.keys(POSITION)) writeFileSync(join(dir, name), '');
    const { triplets } = parseFecCsv(SIX_ROWS.slice(0, 2).join('\n'));
    const faces = await findFecFaces(triplets, dir, async (path, boxes) => boxes.map(() => (basename(path) === 'b.jpg' ? undefined : Float32Array.of(0))));
    expect(faces.triplets).toHaveLength(0);
    expect(faces.skipped.noFace).toBe(2);
  });

  it('finds URL pictures by file name under the images folder, local paths relative to it', () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'a.jpg'), '');
    expect(resolveFecImage('https://farm1.example.com/123/a.jpg', dir)).toBe(join(dir, 'a.jpg'));
    expect(resolveFecImage('a.jpg', dir)).toBe(join(dir, 'a.jpg'));
    expect(resolveFecImage(join(dir, 'a.jpg'), '/elsewhere')).toBe(join(dir, 'a.jpg'));
    expect(resolveFecImage('https://farm1.example.com/123/b.jpg', dir)).toBeUndefined();
  });
});
