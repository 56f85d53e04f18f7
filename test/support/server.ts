import { Ajv2020 } from 'ajv/dist/2020.js';
import WebSocket from 'ws';
import { OPENAPI } from '../../src/server/openapi.js';
import type { MienEvent } from '../../src/events/events.js';

const ajv = new Ajv2020({ strict: false, formats: { 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) } });
ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });

/** Checks `value` against a component schema of the OpenAPI document; returns the problems. */
export function apiProblems(schema: keyof typeof OPENAPI.components.schemas, value: unknown): string[] {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
const PATHS = Object.entries(OPENAPI.paths as unknown as Record<string, Record<string, Operation>>).map(([template, operations]) => ({
  pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
  template,
  operations,
}));
const responseValidators = new Map<string, ReturnType<typeof ajv.compile>>();

/**
 * What keeps an answer from being one the OpenAPI document promises for the request: a status it
 * does not list (any 4xx with an {error} body passes, e.g. 405), or a JSON body off its schema.
 */
export function responseProblems(method: string, url: string, status: number, body: unknown): string[] {
  const path = new URL(url).pathname;
  const documented = PATHS.find((p) => p.pattern.test(path));
  // Paths it does not document (the dashboard's files, an unknown /api path) are the router's to answer.
  if (!documented) return [];
  const operation = documented.operations[method.toLowerCase()] as Operation | undefined;
  const response = operation?.responses[String(status)];
  if (!response) return status >= 400 && status < 500 ? apiProblems('Error', body) : [`${method} ${documented.template} answered ${status}, which the OpenAPI document does not list`];
  const schema = response.content?.['application/json']?.schema;
  if (schema === undefined) return [];
  const key = `${method} ${documented.template} ${status}`;
  let validate = responseValidators.get(key);
  if (!validate) responseValidators.set(key, (validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/')) as object)));
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${key}: ${e.instancePath} ${e.message}`);
}

/** Fails the test when an answer breaks the OpenAPI document (every request through `api` is checked). */
function checkedAnswer(method: string, url: string, status: number, body: unknown): void {
  const problems = responseProblems(method, url, status, body);
  if (problems.length > 0) throw new Error(`the answer breaks the OpenAPI document: ${problems.join('; ')}`);
}

export interface Api {
  get(path: string): Promise<{ status: number; body: unknown; text: string }>;
  send(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
}

export function api(base: string, token?: string): Api {
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return {
    async get(path) {
      const res = await fetch(`${base}${path}`, { headers: auth });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      checkedAnswer('GET', `${base}${path}`, res.status, body);
      return { status: res.status, body, text };
    },
    async send(method, path, body, headers = {}) {
      const isBytes = body instanceof Uint8Array;
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { ...auth, ...(body !== undefined && !isBytes && { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : isBytes ? body : JSON.stringify(body),
      });
      const text = await res.text();
      const answer = text ? (JSON.parse(text) as unknown) : undefined;
      checkedAnswer(method, `${base}${path}`, res.status, answer);
      return { status: res.status, body: answer };
    },
  };
}

/** A WebSocket client that collects every message. */
export async function subscriber(url: string, subscribe: Record<string, unknown>): Promise<{ socket: WebSocket; messages: { type: string; [k: string]: unknown }[] }> {
  const socket = new WebSocket(url);
  const messages: { type: string }[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as { type: string }));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  // A server that stops may reset the connection: the test reads what arrived, not how it ended.
  socket.on('error', () => {});
  socket.send(JSON.stringify({ type: 'subscribe', ...subscribe }));
  await until(() => messages.some((m) => m.type === 'subscribed' || m.type === 'error'));
  return { socket, messages };
}

/** Every event of `stream` a server stored, in the order stored, read page by page. */
export async function storedEvents(base: string, stream: string): Promise<MienEvent[]> {
  const events: MienEvent[] = [];
  for (let after: number | undefined = 0; after !== undefined; ) {
    const page = (await api(base).get(`/api/events?stream=${encodeURIComponent(stream)}&limit=1000&after=${after}`)).body as { events: MienEvent[]; next?: number };
    events.push(...page.events);
    after = page.next;
  }
  return events;
}

/** Polls `condition` every `everyMs` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
