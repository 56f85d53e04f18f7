const KEY = 'mien.token';

/**
 * The bearer token, kept in localStorage so the operator enters it once per browser. Storage can
 * be refused (private windows, policies): the token then lasts as long as the page.
 */
export class TokenStorage {
  private token: string | undefined;

  constructor(private readonly storage: Storage | undefined = globalThis.localStorage) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- no localStorage outside a browser, whatever lib.dom says
      this.token = storage?.getItem(KEY) ?? undefined;
    } catch {
      this.token = undefined;
    }
  }

  get value(): string | undefined {
    return this.token;
  }

  set value(token: string | undefined) {
    this.token = token || undefined;
    try {
      if (this.token) this.storage?.setItem(KEY, this.token);
      else this.storage?.removeItem(KEY);
    } catch {
      // Kept in memory only; see the class comment.
    }
  }
}
