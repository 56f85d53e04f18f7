import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eyeCropAt } from '../face/align.js';
import type { RestingFaces } from '../expression/resting-face.js';
import type { FrameAnalysis } from '../operators/frame-analysis.js';
import { encodeJpeg } from '../render/png.js';
import type { IdentityStore, StoredIdentity } from '../store/identity-store.js';
import type { IdentityInfo } from './api-types.js';
import { json, type Router } from './http.js';
import { referenceQuery, type FaceOnScreen, type ReferenceCatalog } from './reference-catalog.js';
import { HttpError } from './errors.js';

/** People whose latest face is kept (the most recently seen): bounded memory with any crowd. */
const LATEST_FACES = 256;
/** The side of a kept face's crop, px: as the dashboard shows references. */
const LATEST_FACE_CROP = 160;

/**
 * The people seen, as the API shows them: names, merges, a thumbnail from each one's first
 * accepted face (a file in the data directory), and each one's latest accepted face, which can
 * become a custom expression.
 */
export class IdentityCatalog {
  /** Each person's latest accepted face, most recently seen last. */
  private readonly latestFaces = new Map<number, FaceOnScreen>();
  /** People whose thumbnail is written (or on its way): the disk is asked once per person, not once per face. */
  private readonly withThumbnail = new Set<number>();

  constructor(
    private readonly identities: IdentityStore,
    private readonly references: ReferenceCatalog,
    /** The analysis's resting faces; undefined where the embedding reads faces alone. */
    private readonly rests: RestingFaces | undefined,
    private readonly dataDir: string,
    /** Stores the events published so far, with the counts they make: called before people are read. */
    private readonly settle: () => void,
  ) {}

  /** After each analysed frame: the latest face of each person on it, and thumbnails of people without one. */
  seen(record: FrameAnalysis): void {
    const { stream, pts } = record.frame;
    for (const f of record.faces) {
      if (f.identity === undefined || !f.face.quality.accepted) continue;
      const identity = f.identity;
      if (f.expression && this.rests) {
        this.latestFaces.delete(identity);
        const crop = eyeCropAt(f.face.frame, f.face.eyeCrop.transform, LATEST_FACE_CROP);
        this.latestFaces.set(identity, { identity, expression: f.expression, rest: this.rests.restOf(identity), crop, box: f.face.detection.box, stream, pts });
        if (this.latestFaces.size > LATEST_FACES) this.latestFaces.delete(this.latestFaces.keys().next().value!);
      }
      if (this.withThumbnail.has(identity)) continue;
      this.withThumbnail.add(identity);
      const path = join('thumbnails', `${identity}.jpg`);
      if (existsSync(join(this.dataDir, path))) continue;
      // Written once per person, from their first accepted face; the write is small and rare.
      void encodeJpeg(f.face.eyeCrop.image)
        .then((jpeg) => {
          writeFileSync(join(this.dataDir, path), jpeg);
          this.settle();
          this.identities.setThumbnail(identity, path);
        })
        // Not encoded or not written (a full disk): their next accepted face tries again.
        .catch(() => this.withThumbnail.delete(identity));
    }
  }

  /** /api/identities: list, one, rename, merge, a face on screen as a reference, the thumbnail. */
  routes(router: Router): void {
    router.add('GET', '/api/identities', () => {
      this.settle();
      return json(200, { identities: this.identities.list().map(identityJson) });
    });
    router.add('GET', '/api/identities/:id', ({ params }) => json(200, identityJson(this.identity(params.id))));
    router.add('PATCH', '/api/identities/:id', ({ body, params }) => {
      if (body === null || typeof body !== 'object' || !('name' in body) || (body.name !== null && typeof body.name !== 'string')) {
        throw new HttpError(400, 'send {"name": "..."} (or null to clear it)');
      }
      return json(200, identityJson(this.identities.rename(this.identity(params.id).id, body.name)));
    }, { body: { kind: 'json' } });
    router.add('POST', '/api/identities/:id/merge', ({ body, params }) => {
      const from = typeof body === 'object' && body !== null && 'from' in body ? body.from : undefined;
      if (typeof from !== 'number' || !Number.isInteger(from)) throw new HttpError(400, 'send {"from": ID} naming the identity to merge into this one');
      return json(200, identityJson(this.identities.merge(this.identity(params.id).id, this.identity(String(from)).id)));
    }, { body: { kind: 'json' } });
    router.add('POST', '/api/identities/:id/reference', async ({ params, query }) => {
      const identity = this.identity(params.id);
      const { tags, threshold } = referenceQuery(query);
      const latest = this.latestFaces.get(identity.id);
      if (!latest) throw new HttpError(404, `no face of identity ${identity.id} on screen lately`);
      return json(201, this.references.json(await this.references.fromFace(latest, tags, threshold)));
    });
    router.add('GET', '/api/identities/:id/thumbnail.jpg', ({ params }) => {
      const identity = this.identity(params.id);
      if (!identity.thumbnail) throw new HttpError(404, `no thumbnail of identity ${params.id} yet`);
      return { status: 200, body: readFileSync(join(this.dataDir, identity.thumbnail)), type: 'image/jpeg' };
    });
  }

  private identity(raw: string): StoredIdentity {
    this.settle();
    const identity = /^\d+$/.test(raw) ? this.identities.get(Number(raw)) : undefined;
    if (!identity) throw new HttpError(404, `no identity ${raw}`);
    return identity;
  }
}

function identityJson(i: StoredIdentity): IdentityInfo {
  return { ...i, thumbnail: i.thumbnail ? `/api/identities/${i.id}/thumbnail.jpg` : null };
}
