import type { EventPage, EventQuery, Identity, Reference, Stream } from './api-types.js';

/** The server answered with an error status; `message` is its sentence. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** No answer at all: the server is down or the network is. */
export class ServerUnreachableError extends Error {
  override name = 'ServerUnreachableError';
}

/** What to call a new custom expression, however its face comes. */
export interface ReferenceFields {
  readonly tags: readonly string[];
  /** Distance threshold in (0, 2]; absent takes the server's default. */
  readonly threshold?: number;
}

/** A new custom expression from a picture: the picture, what to call the face in it, and optionally the same person at rest. */
export interface ReferenceUpload extends ReferenceFields {
  readonly picture: Blob;
  /** A photo of the same person at rest, to read the face against (instead of people's resting face in general). */
  readonly rest?: Blob;
}

/** Server readiness, as /readyz tells it. */
export type Readiness = 'ready' | 'starting' | 'unreachable';

/**
 * The public HTTP API (src/server/openapi.ts), and nothing else. Every request sends the token,
 * where there is one, as a bearer token: a server with a token wants it for reads too.
 */
export class ApiClient {
  constructor(
    /** Origin and path prefix of the server; '' for the page's own origin. */
    private readonly base: string,
    private readonly token: () => string | undefined,
  ) {}

  async streams(): Promise<readonly Stream[]> {
    return (await this.request<{ streams: Stream[] }>('GET', '/api/streams')).streams;
  }

  async identities(): Promise<readonly Identity[]> {
    return (await this.request<{ identities: Identity[] }>('GET', '/api/identities')).identities;
  }

  async references(): Promise<readonly Reference[]> {
    return (await this.request<{ references: Reference[] }>('GET', '/api/references')).references;
  }

  events(query: EventQuery): Promise<EventPage> {
    const params = new URLSearchParams();
    for (const kind of query.kinds ?? []) params.append('kind', kind);
    if (query.from !== undefined) params.set('from', query.from);
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.request('GET', `/api/events?${params}`);
  }

  renameIdentity(id: number, name: string | null): Promise<Identity> {
    return this.request('PATCH', `/api/identities/${id}`, { body: JSON.stringify({ name }), type: 'application/json' });
  }

  /** The raw picture, or, with a photo at rest, a multipart form of both (files "face" and "rest"). */
  addReference(upload: ReferenceUpload): Promise<Reference> {
    const path = `/api/references?${referenceParams(upload)}`;
    if (!upload.rest) return this.request('POST', path, { body: upload.picture, type: upload.picture.type || 'application/octet-stream' });
    const form = new FormData();
    form.append('face', upload.picture);
    form.append('rest', upload.rest);
    // The browser sets the multipart type itself, with its boundary.
    return this.request('POST', path, { body: form });
  }

  /**
   * A person's latest face on screen as a custom expression, read against their own resting face.
   * 404 when no face of theirs was seen lately, 409 when the running embedding reads faces alone.
   */
  addReferenceFromFace(identity: number, fields: ReferenceFields): Promise<Reference> {
    return this.request('POST', `/api/identities/${identity}/reference?${referenceParams(fields)}`);
  }

  async deleteReference(id: number): Promise<void> {
    await this.request('DELETE', `/api/references/${id}`);
  }

  /** A picture of the API (a thumbnail, a preview, a crop), fetched with the token an <img> could not send. */
  async picture(path: string): Promise<Blob> {
    return (await this.fetch('GET', path)).blob();
  }

  /** Never throws: an unreachable server is one of the answers. */
  async readiness(): Promise<Readiness> {
    try {
      const response = await fetch(`${this.base}/readyz`, { cache: 'no-store' });
      return response.ok ? 'ready' : 'starting';
    } catch {
      return 'unreachable';
    }
  }

  /** The WebSocket address of the live events, with the token where there is one. */
  eventsSocketUrl(pageUrl: URL): string {
    const url = new URL(`${this.base}/events`, pageUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const token = this.token();
    if (token) url.searchParams.set('token', token);
    return url.href;
  }

  private async request<T>(method: string, path: string, content?: { body: BodyInit; type?: string }): Promise<T> {
    const text = await (await this.fetch(method, path, content)).text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** The answer when it is a success; ApiError with the server's sentence, or ServerUnreachableError, when not. */
  private async fetch(method: string, path: string, content?: { body: BodyInit; type?: string }): Promise<Response> {
    const token = this.token();
    const headers: Record<string, string> = {
      ...(content?.type && { 'content-type': content.type }),
      ...(token && { authorization: `Bearer ${token}` }),
    };
    let response: Response;
    try {
      response = await fetch(`${this.base}${path}`, { method, headers, body: content?.body, cache: 'no-store' });
    } catch (error) {
      throw new ServerUnreachableError(`cannot reach the server: ${(error as Error).message}`);
    }
    if (!response.ok) throw new ApiError(response.status, errorSentence(await response.text(), response));
    return response;
  }
}

function referenceParams(fields: ReferenceFields): URLSearchParams {
  const params = new URLSearchParams();
  for (const tag of fields.tags) params.append('tag', tag);
  if (fields.threshold !== undefined) params.set('threshold', String(fields.threshold));
  return params;
}

function errorSentence(text: string, response: Response): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error;
  } catch {
    // Not the server's JSON (a proxy's page, say): the status line says enough.
  }
  return `${response.status} ${response.statusText}`.trim();
}
