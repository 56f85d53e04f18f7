import type { IncomingMessage } from 'node:http';
import { NoFaceError } from '../expression/errors.js';
import { madeWithEmbedding, referencesFor, unmatchedReferenceNotice, type ExpressionReference } from '../expression/matching.js';
import type { MeasuredExpression } from '../expression/expression-space.js';
import { referenceFace, type PhotoRest } from '../expression/reference-face.js';
import type { RgbImage } from '../image/rgb-image.js';
import { ImageDecodeError } from '../ingest/errors.js';
import { decodeImage } from '../ingest/image-file.js';
import type { ExpressionAnalysis } from '../operators/analysis-pipeline.js';
import { encodePng } from '../render/png.js';
import { normaliseTags, type NewReference, type ReferenceStore, type StoredReference } from '../store/reference-store.js';
import type { ReferenceInfo } from './api-types.js';
import { json, type Router } from './http.js';
import { HttpError } from './errors.js';

/** A face on screen, as the server last saw a person: what "use this face as a reference" takes. */
export interface FaceOnScreen {
  readonly identity: number;
  readonly expression: MeasuredExpression;
  /** Their resting face when it was measured. */
  readonly rest: Float32Array;
  readonly crop: RgbImage;
  readonly box: readonly [number, number, number, number];
  readonly stream: string;
  readonly pts: number;
}

/** Where new references go and removed ones leave: the catalog's store, or a fleet's references, which every gateway copies into its store. */
export interface ReferenceKeeper {
  add(reference: NewReference): Promise<StoredReference>;
  /** False when there was none of that id. */
  remove(id: number): Promise<boolean>;
}

export interface ReferenceCatalogOptions {
  /** Largest picture accepted, bytes. */
  readonly maxUploadBytes: number;
  /** Default: the catalog's store. */
  readonly keeper?: ReferenceKeeper;
  readonly log: (line: string) => void;
}

/**
 * The custom expressions: enrolled from a picture (read against a photo at rest, or people's
 * resting face in general) or from a face on screen (read against that person's own), kept in
 * SQLite, and the ones made with the running embedding handed to the analysis (`matched`). One
 * made with another embedding is kept, not matched, and named once.
 */
export class ReferenceCatalog {
  #matched: readonly ExpressionReference[] = [];
  readonly #reportedUnmatched = new Set<number>();
  private readonly keeper: ReferenceKeeper;

  constructor(
    private readonly references: ReferenceStore,
    private readonly analysis: ExpressionAnalysis,
    private readonly options: ReferenceCatalogOptions,
  ) {
    this.keeper = options.keeper ?? { add: (reference) => Promise.resolve(references.add(reference)), remove: (id) => Promise.resolve(references.remove(id)) };
    this.refresh();
  }

  /** The custom expressions the analysis matches, read again whenever they change. */
  get matched(): readonly ExpressionReference[] {
    return this.#matched;
  }

  /**
   * Stores the picture's reference face as a custom expression, read against `rest` (a photo of
   * the same person at rest) or else the resting face of everyone seen so far; NoFaceError when
   * a picture has no face.
   */
  async enrol(image: RgbImage, tags: string[], threshold: number | undefined, source: string, rest?: RgbImage): Promise<StoredReference> {
    const population = this.analysis.rests?.populationRest();
    const photoRest: PhotoRest | undefined = rest ? { kind: 'rest-photo', image: rest } : population && { kind: 'population', rest: population };
    const face = await referenceFace(this.analysis.space, image, { rest: photoRest });
    const stored = await this.keeper.add({ tags, threshold, box: [...face.box], embedding: face.embedding, embeddingModel: face.embeddingModel, rest: face.rest, cropPng: await encodePng(face.crop), source });
    this.refresh();
    return stored;
  }

  /** A person's face on screen as a custom expression, read against their own resting face. */
  async fromFace(face: FaceOnScreen, tags: string[], threshold: number | undefined): Promise<StoredReference> {
    if (!this.analysis.space.relative) throw new HttpError(409, 'the running expression embedding reads faces alone (MediaPipe\'s Face Landmarker is not provisioned): add a picture of the face instead');
    const stored = await this.keeper.add({
      tags,
      threshold,
      box: [...face.box],
      embedding: this.analysis.space.embed(face.expression, face.rest),
      embeddingModel: this.embedding,
      rest: 'own-track',
      cropPng: await encodePng(face.crop),
      source: `identity ${face.identity}, ${face.stream} at ${face.pts.toFixed(2)} s`,
    });
    this.refresh();
    return stored;
  }

  /** /api/references: list, add from an upload, remove, and each one's face crop. */
  routes(router: Router): void {
    router.add('GET', '/api/references', () => json(200, { references: this.references.list().map((r) => this.json(r)) }));
    router.add('POST', '/api/references', async ({ req, query, body }) => json(201, this.json(await this.upload(req, query, body as Buffer))), {
      body: { kind: 'upload', limit: this.options.maxUploadBytes },
    });
    router.add('DELETE', '/api/references/:id', async ({ params }) => {
      if (!(await this.keeper.remove(Number(params.id)))) throw new HttpError(404, `no reference ${params.id}`);
      this.refresh();
      return { status: 204 };
    });
    router.add('GET', '/api/references/:id/crop.png', ({ params }) => {
      const reference = this.references.get(Number(params.id));
      if (!reference) throw new HttpError(404, `no reference ${params.id}`);
      return { status: 200, body: reference.cropPng, type: 'image/png' };
    });
  }

  /** A reference as the API shows it. */
  json(r: StoredReference): ReferenceInfo {
    return referenceJson(r, this.embedding);
  }

  /** An upload read whole, its Content-Type and size checked by the route. */
  private async upload(req: IncomingMessage, query: URLSearchParams, body: Buffer): Promise<StoredReference> {
    const { tags, threshold } = referenceQuery(query);
    const upload = await readUpload(req, body);
    const image = await decodeUpload(upload.face, 'the upload');
    const rest = upload.rest && (await decodeUpload(upload.rest, 'the photo at rest'));
    try {
      return await this.enrol(image, tags, threshold, query.get('name') ?? 'upload', rest);
    } catch (error) {
      if (error instanceof NoFaceError) throw new HttpError(422, `${error.message}; nothing was added`);
      throw error;
    }
  }

  /** The name of the embedding the analysis makes, which references must share. */
  private get embedding(): string {
    return this.analysis.space.kind.name;
  }

  /** Reads the store again: after each change here, and after each one a fleet's copy brings. */
  refresh(): void {
    const { matched, unmatched } = referencesFor(this.references.list(), this.embedding);
    this.#matched = matched;
    for (const r of unmatched) {
      if (this.#reportedUnmatched.has(r.id)) continue;
      this.#reportedUnmatched.add(r.id);
      this.options.log(`mien: ${unmatchedReferenceNotice(r, this.embedding)}`);
    }
  }
}

const tenth = (v: number): number => Math.round(v * 10) / 10;

function referenceJson(r: StoredReference, embedding: string): ReferenceInfo {
  return {
    id: r.id,
    tags: r.tags,
    ...(r.threshold !== undefined && { threshold: r.threshold }),
    createdAt: r.createdAt,
    source: r.source,
    box: [tenth(r.box[0]), tenth(r.box[1]), tenth(r.box[2]), tenth(r.box[3])],
    embeddingModel: r.embeddingModel,
    matched: madeWithEmbedding(r, embedding),
    rest: r.rest,
    crop: `/api/references/${r.id}/crop.png`,
  };
}

/** A new reference's tags and threshold, from the query string. */
export function referenceQuery(query: URLSearchParams): { tags: string[]; threshold: number | undefined } {
  let tags: string[];
  try {
    tags = normaliseTags(query.getAll('tag'));
  } catch (error) {
    throw new HttpError(400, `${(error as Error).message} (?tag=...)`);
  }
  const raw = query.get('threshold');
  const threshold = raw === null ? undefined : Number(raw);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 2)) throw new HttpError(400, `threshold must be a distance in (0, 2], got "${raw}"`);
  return { tags, threshold };
}

/** The pictures of a reference upload: the body itself, or the "face" and "rest" files of a form. */
async function readUpload(req: IncomingMessage, body: Buffer): Promise<{ face: Uint8Array; rest?: Uint8Array }> {
  if (body.length === 0) throw new HttpError(400, 'send the picture as the request body');
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) return { face: body };
  let form: FormData;
  try {
    // Deprecated for servers because it buffers the whole body: this one is read already, within maxUploadBytes.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    form = await new Request('http://mien/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
  } catch {
    throw new HttpError(400, 'the form does not parse as multipart/form-data');
  }
  const file = async (name: string): Promise<Uint8Array | undefined> => {
    const part = form.get(name);
    if (part === null) return undefined;
    if (typeof part === 'string') throw new HttpError(400, `"${name}" must be a file, not a text field`);
    return new Uint8Array(await part.arrayBuffer());
  };
  const face = await file('face');
  if (!face) throw new HttpError(400, 'the form needs the picture as a file named "face" ("rest", a photo of the same person at rest, is optional)');
  return { face, rest: await file('rest') };
}

async function decodeUpload(bytes: Uint8Array, what: string): Promise<RgbImage> {
  try {
    return await decodeImage(bytes, what);
  } catch (error) {
    if (error instanceof ImageDecodeError) throw new HttpError(415, error.message);
    throw error;
  }
}

