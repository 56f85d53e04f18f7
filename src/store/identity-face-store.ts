import type { GalleryStore, PersonFaces } from '../online-cluster/person-gallery.js';
import type { SqliteDatabase } from './database.js';

export const IDENTITY_FACE_SCHEMA = `CREATE TABLE IF NOT EXISTS identity_face (
     identity INTEGER PRIMARY KEY,
     model TEXT NOT NULL,
     dimension INTEGER NOT NULL,
     faces BLOB NOT NULL
   );`;

/**
 * The identity embeddings each person is found again by (their kept faces), per identity model:
 * faces of another model cannot be compared, so they wait unused until that model runs again.
 */
export class IdentityFaceStore {
  constructor(private readonly db: SqliteDatabase) {}

  /** Every person's kept faces made by `model`. */
  list(model: string): PersonFaces[] {
    const rows = this.db.prepare('SELECT identity, dimension, faces FROM identity_face WHERE model = ? ORDER BY identity').all(model) as { identity: number; dimension: number; faces: Buffer }[];
    return rows.map(({ identity, dimension, faces }) => {
      const all = new Float32Array(faces.buffer.slice(faces.byteOffset, faces.byteOffset + faces.byteLength));
      return { person: identity, faces: Array.from({ length: all.length / dimension }, (_, i) => all.slice(i * dimension, (i + 1) * dimension)) };
    });
  }

  /** Where a gallery of `model` keeps its changes. */
  galleryOf(model: string): GalleryStore {
    return {
      save: ({ person, faces }) => {
        const dimension = faces[0]?.length ?? 0;
        const all = new Float32Array(faces.length * dimension);
        faces.forEach((face, i) => all.set(face, i * dimension));
        this.db
          .prepare('INSERT INTO identity_face (identity, model, dimension, faces) VALUES (?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET model = excluded.model, dimension = excluded.dimension, faces = excluded.faces')
          .run(person, model, dimension, Buffer.from(all.buffer));
      },
      remove: (person) => {
        this.db.prepare('DELETE FROM identity_face WHERE identity = ?').run(person);
      },
    };
  }
}
