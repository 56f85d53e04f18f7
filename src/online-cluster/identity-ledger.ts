/** What the clustering keeps of one identity besides which points are its members. */
export interface IdentityRecord {
  /** Member faces now in the window. */
  faces: number;
  /** Earliest and latest timestamp of any face ever counted to this identity or one merged into it. */
  firstSeen: number;
  lastSeen: number;
}

/** Hands out identity ids, never reusing one, and keeps each open identity's record. */
export class IdentityLedger {
  #nextId: number;
  readonly #records = new Map<number, IdentityRecord>();

  /** @param firstId the first id to hand out: above every id a previous run used, so ids continue. */
  constructor(firstId = 0) {
    if (!Number.isInteger(firstId) || firstId < 0) throw new TypeError(`firstId must be a non-negative integer, not ${firstId}`);
    this.#nextId = firstId;
  }

  open(): number {
    const id = this.#nextId++;
    this.#records.set(id, { faces: 0, firstSeen: Infinity, lastSeen: -Infinity });
    return id;
  }

  /** A face seen at `timestamp` became a member of `id`. */
  join(id: number, timestamp: number): void {
    const record = this.#require(id);
    record.faces++;
    record.firstSeen = Math.min(record.firstSeen, timestamp);
    record.lastSeen = Math.max(record.lastSeen, timestamp);
  }

  /** A face stopped being a member of `id`; the seen times stay, they are history. */
  leave(id: number): void {
    this.#require(id).faces--;
  }

  /** Closes `from`, whose members have moved to `into`, handing its history to `into`. */
  absorb(into: number, from: number): void {
    const target = this.#require(into);
    const source = this.#require(from);
    target.firstSeen = Math.min(target.firstSeen, source.firstSeen);
    target.lastSeen = Math.max(target.lastSeen, source.lastSeen);
    this.close(from);
  }

  close(id: number): void {
    this.#records.delete(id);
  }

  get(id: number): Readonly<IdentityRecord> | undefined {
    return this.#records.get(id);
  }

  /** Open identities and their records, oldest first (ids are opened in increasing order, and a Map keeps that order). */
  records(): [number, Readonly<IdentityRecord>][] {
    return [...this.#records];
  }

  #require(id: number): IdentityRecord {
    const record = this.#records.get(id);
    if (!record) throw new Error(`identity ${id} is not open`);
    return record;
  }
}
