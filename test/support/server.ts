import { Ajv2020 } from 'ajv/dist/2020.js';
import WebSocket from 'ws';
import { OPENAPI } from '../../src/server/openapi.js';

const ajv = new Ajv2020({ strict: false, formats: { 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) } });
ajv.addSchema({ $id: 'openapi', components: OPENAPI.components });

/** Checks `value` against a component schema of the OpenAPI document; returns the problems. */
export function apiProblems(schema: keyof typeof OPENAPI.components.schemas, value: unknown): string[] {
  const validate = ajv.getSchema(`openapi#/components/schemas/${schema}`)!;
  return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
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
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
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

/** Polls `condition` every `everyMs` until it holds; fails after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 60_000, everyMs = 50): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
