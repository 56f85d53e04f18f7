/**
 * Per person: faces seen (those attributed to them afterwards included), faces FaceQA accepted
 * while they were known (so compared with the references), and accepted faces carrying each tag.
 */
export interface AppearanceCounts {
  faces: number;
  accepted: number;
  tagged: Map<string, number>;
}

/** One person's row of the appearance table. */
export interface AppearanceRow {
  readonly id: number;
  readonly faces: number;
  readonly accepted: number;
  /** Tag -> tagged faces / accepted faces. */
  readonly appearance: Record<string, number>;
}

/**
 * The paper's appearance rate of each tag per person: tagged faces / accepted faces of that
 * person (rejected faces were never compared with the references, so they do not count).
 */
export class AppearanceTally {
  private readonly counts = new Map<number, AppearanceCounts>();

  /** Records one face; `tags` are the tags its pooled embedding matched (accepted faces only). */
  record(identity: number, accepted: boolean, tags: Iterable<string> = []): void {
    let c = this.counts.get(identity);
    if (!c) this.counts.set(identity, (c = { faces: 0, accepted: 0, tagged: new Map() }));
    c.faces++;
    if (!accepted) return;
    c.accepted++;
    for (const tag of new Set(tags)) c.tagged.set(tag, (c.tagged.get(tag) ?? 0) + 1);
  }

  /** Faces told before the person was known, theirs now: seen, but never compared with the references. */
  attribute(identity: number, faces: number): void {
    const c = this.counts.get(identity);
    if (c) c.faces += faces;
    else this.counts.set(identity, { faces, accepted: 0, tagged: new Map() });
  }

  /** Identities `from` became `into`: their counts add up. */
  merge(from: readonly number[], into: number): void {
    for (const id of from) {
      const c = this.counts.get(id);
      if (!c || id === into) continue;
      this.counts.delete(id);
      const target = this.counts.get(into);
      if (!target) {
        this.counts.set(into, c);
        continue;
      }
      target.faces += c.faces;
      target.accepted += c.accepted;
      for (const [tag, n] of c.tagged) target.tagged.set(tag, (target.tagged.get(tag) ?? 0) + n);
    }
  }

  /** Rows sorted by identity, with each tag's rate = tagged / accepted (0 when none accepted). */
  summary(): AppearanceRow[] {
    return [...this.counts]
      .sort(([a], [b]) => a - b)
      .map(([id, c]) => ({
        id,
        faces: c.faces,
        accepted: c.accepted,
        appearance: Object.fromEntries([...c.tagged].sort(([a], [b]) => a.localeCompare(b)).map(([tag, n]) => [tag, c.accepted ? n / c.accepted : 0])),
      }));
  }
}
