import { databasePath, type SqliteDatabase } from './database.js';
import { EventStore } from './event-store.js';
import { IdentityFaceStore } from './identity-face-store.js';
import { IdentityStore } from './identity-store.js';
import { openMienDatabase } from './mien-database.js';
import { ReferenceStore } from './reference-store.js';
import { StreamStore } from './stream-store.js';

/**
 * Mien's one database and every store over it, opened and closed together: what `mien serve`
 * records into and the CLI reads custom expressions from. A stream worker (issue 20) has none.
 */
export class MienStores {
  readonly references: ReferenceStore;
  readonly events: EventStore;
  readonly identities: IdentityStore;
  readonly identityFaces: IdentityFaceStore;
  readonly streams: StreamStore;

  private constructor(private readonly db: SqliteDatabase) {
    this.references = new ReferenceStore(db);
    this.events = new EventStore(db);
    this.identities = new IdentityStore(db);
    this.identityFaces = new IdentityFaceStore(db);
    this.streams = new StreamStore(db);
  }

  /** The database at `path` (created, or brought up to date, as needed). */
  static open(path: string): MienStores {
    return new MienStores(openMienDatabase(path));
  }

  /** The database of the data directory `dataDir`. */
  static inDataDir(dataDir: string): MienStores {
    return MienStores.open(databasePath(dataDir));
  }

  /** Runs `write` as one transaction: all of its writes are kept, or none (and one sync to disk, not one per write). */
  transaction<T>(write: () => T): T {
    return this.db.transaction(write)();
  }

  close(): void {
    this.db.close();
  }
}
