/** Fetches a picture of the API by its path (ApiClient.picture). */
export type PictureSource = (path: string) => Promise<Blob>;

/** Object URLs of the API's pictures, as elements ask for them. */
export interface PictureUrls {
  stable(path: string): Promise<string | undefined>;
  /** A new object URL of a picture that changes (a stream's preview); the caller revokes it when done. Throws when there is none. */
  fresh(path: string): Promise<string>;
}

/**
 * Pictures of the API (thumbnails, previews, reference crops) as object URLs for <img>: fetched
 * with the token, which an <img> cannot send. A picture that does not change is fetched once per
 * path and kept while it is among the `keep` latest asked for; a failed fetch is forgotten, so the
 * next render asks again.
 */
export class Pictures implements PictureUrls {
  private readonly kept = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly source: PictureSource,
    private readonly keep = 256,
  ) {}

  stable(path: string): Promise<string | undefined> {
    const known = this.kept.get(path);
    if (known) {
      // Most recently used last, so the oldest is evicted first.
      this.kept.delete(path);
      this.kept.set(path, known);
      return known;
    }
    const url = this.source(path).then(
      (blob) => URL.createObjectURL(blob),
      () => {
        this.kept.delete(path);
        return undefined;
      },
    );
    this.kept.set(path, url);
    if (this.kept.size > this.keep) {
      const [oldest, evicted] = this.kept.entries().next().value!;
      this.kept.delete(oldest);
      void evicted.then((gone) => gone && URL.revokeObjectURL(gone));
    }
    return url;
  }

  async fresh(path: string): Promise<string> {
    return URL.createObjectURL(await this.source(path));
  }
}
