import { euclideanDistance } from '../math/vector.js';

/**
 * Google's Facial Expression Comparison (FEC) triplets: reading the CSV as published and scoring
 * an embedding on it. Pure: no files, no models; `fec-faces.ts` finds the faces.
 *
 * A row is three faces, each an image URL (or a local path) followed by its box as four fractions
 * (top-left column, bottom-right column, top-left row, bottom-right row), then the triplet type,
 * then pairs of annotator id and annotation, the annotation being the 1-based index of the face
 * most different from the other two.
 */
export const TRIPLET_TYPES = ['ONE_CLASS_TRIPLET', 'TWO_CLASS_TRIPLET', 'THREE_CLASS_TRIPLET'] as const;
export type TripletType = (typeof TRIPLET_TYPES)[number];

/** A face box as fractions of the picture's width (left, right) and height (top, bottom). */
export interface FractionBox {
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export interface FecFace {
  /** The URL or local path as written in the CSV. */
  readonly image: string;
  readonly box: FractionBox;
}

export interface FecTriplet {
  /** 1-based line number in the CSV. */
  readonly line: number;
  readonly faces: readonly [FecFace, FecFace, FecFace];
  readonly type: TripletType;
  /** Each annotator's 1-based index of the most different face. */
  readonly annotations: readonly number[];
}

export interface FecLineError {
  readonly line: number;
  readonly message: string;
}

export interface FecCsv {
  readonly triplets: FecTriplet[];
  /** Rows that do not parse, by line; the other rows are still read. */
  readonly errors: FecLineError[];
}

const FACE_FIELDS = 5;
const FIXED_FIELDS = 3 * FACE_FIELDS + 1;

export function parseFecCsv(text: string): FecCsv {
  const triplets: FecTriplet[] = [];
  const errors: FecLineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    try {
      triplets.push(parseRow(splitCsvLine(raw), line));
    } catch (error) {
      errors.push({ line, message: (error as Error).message });
    }
  });
  return { triplets, errors };
}

function parseRow(fields: string[], line: number): FecTriplet {
  while (fields.length > 0 && fields[fields.length - 1].trim() === '') fields.pop();
  const pairs = fields.length - FIXED_FIELDS;
  if (pairs < 2 || pairs % 2 !== 0) {
    throw new Error(`expected 3 faces of 5 fields, a triplet type and annotator/annotation pairs, got ${fields.length} fields`);
  }
  const face = (k: number): FecFace => {
    const at = k * FACE_FIELDS;
    const image = fields[at].trim();
    if (image === '') throw new Error(`face ${k + 1} has no image`);
    const [left, right, top, bottom] = fields.slice(at + 1, at + FACE_FIELDS).map((f, j) => fraction(f, `face ${k + 1} box value ${j + 1}`));
    if (left >= right || top >= bottom) throw new Error(`face ${k + 1} box is empty (${left}, ${right}, ${top}, ${bottom})`);
    return { image, box: { left, right, top, bottom } };
  };
  const faces = [face(0), face(1), face(2)] as const;
  const type = fields[FIXED_FIELDS - 1].trim();
  if (!(TRIPLET_TYPES as readonly string[]).includes(type)) throw new Error(`unknown triplet type "${type}"`);
  const annotations: number[] = [];
  for (let at = FIXED_FIELDS + 1; at < fields.length; at += 2) {
    const value = fields[at].trim();
    if (!/^[123]$/.test(value)) throw new Error(`annotation "${value}" is not 1, 2 or 3`);
    annotations.push(Number(value));
  }
  return { line, faces, type: type as TripletType, annotations };
}

function fraction(field: string, what: string): number {
  const value = Number(field.trim());
  if (field.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new Error(`${what} "${field}" is not a fraction in [0, 1]`);
  return value;
}

/** Splits one CSV line; fields may be double-quoted, with "" standing for a quote inside. */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let at = 0;
  for (;;) {
    if (line[at] === '"') {
      let value = '';
      at++;
      for (;;) {
        const quote = line.indexOf('"', at);
        if (quote < 0) throw new Error('unterminated quoted field');
        value += line.slice(at, quote);
        at = quote + 1;
        if (line[at] !== '"') break;
        value += '"';
        at++;
      }
      fields.push(value);
      if (at < line.length && line[at] !== ',') throw new Error('text after a closing quote');
    } else {
      const comma = line.indexOf(',', at);
      fields.push(line.slice(at, comma < 0 ? line.length : comma));
      at = comma < 0 ? line.length : comma;
    }
    if (at >= line.length) return fields;
    at++; // the comma
  }
}

/** The 0-based index of the face most annotators chose as the odd one; undefined on a tie. */
export function majorityOddOne(annotations: readonly number[]): 0 | 1 | 2 | undefined {
  const votes = [0, 0, 0];
  for (const a of annotations) votes[a - 1]++;
  const best = Math.max(...votes);
  const winners = votes.flatMap((v, i) => (v === best ? [i as 0 | 1 | 2] : []));
  return winners.length === 1 ? winners[0] : undefined;
}

/** Right when the pair without the odd one is closer than both pairs with it (Euclidean). */
export function tripletAgrees(embeddings: readonly [ArrayLike<number>, ArrayLike<number>, ArrayLike<number>], odd: 0 | 1 | 2): boolean {
  const [a, b] = [0, 1, 2].filter((i) => i !== odd);
  const similar = euclideanDistance(embeddings[a], embeddings[b]);
  return similar < euclideanDistance(embeddings[a], embeddings[odd]) && similar < euclideanDistance(embeddings[b], embeddings[odd]);
}

export interface TripletOutcome {
  readonly type: TripletType;
  readonly correct: boolean;
}

export interface FecAccuracy {
  /** Fraction of triplets right; NaN when there are none. */
  readonly accuracy: number;
  readonly perType: Partial<Record<TripletType, { readonly accuracy: number; readonly n: number }>>;
  /** Triplets scored. */
  readonly rows: number;
}

export function fecAccuracy(outcomes: readonly TripletOutcome[]): FecAccuracy {
  const rate = (list: readonly TripletOutcome[]): number => list.filter((o) => o.correct).length / list.length;
  const perType: FecAccuracy['perType'] = {};
  for (const type of TRIPLET_TYPES) {
    const ofType = outcomes.filter((o) => o.type === type);
    if (ofType.length > 0) perType[type] = { accuracy: rate(ofType), n: ofType.length };
  }
  return { accuracy: rate(outcomes), perType, rows: outcomes.length };
}

/** Writes one FEC row (no annotator ids of note: annotator k is k). */
export function formatFecRow(faces: readonly [FecFace, FecFace, FecFace], type: TripletType, annotations: readonly number[]): string {
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const face = ({ image, box }: FecFace): string => [quote(image), box.left, box.right, box.top, box.bottom].join(',');
  return [...faces.map(face), quote(type), ...annotations.flatMap((a, k) => [k + 1, a])].join(',');
}
