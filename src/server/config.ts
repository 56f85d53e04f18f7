import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { StreamRequestBody } from './api-types.js';
import { schemaProblems } from './request-body.js';
import { ConfigError } from './errors.js';

/** What `mien serve` runs with. */
export interface ServerConfig {
  /** Interface to listen on. Default 127.0.0.1: loopback unless told otherwise. */
  readonly host: string;
  /** Default 8080; 0 picks a free port. */
  readonly port: number;
  /** SQLite database and thumbnails. Default ./mien-data. */
  readonly dataDir: string;
  /**
   * Bearer token guarding every `/api` route (reads too, unless `openReads`) and the WebSocket;
   * unset leaves them open (loopback only).
   */
  readonly token?: string;
  /**
   * With a token: `/api` reads (lists, pictures, events) need no token, changes still do. For a
   * wall display on a trusted network. Default false.
   */
  readonly openReads: boolean;
  /**
   * Streams the server runs from its start, as POST /api/streams takes them, each with an `id`;
   * the config file only. Paths are the operator's own (not confined to the media root), relative
   * ones taken from the working directory as `dataDir` is.
   */
  readonly streams: readonly DeclaredStream[];
  /** Events older than this many days are deleted. Default 7. */
  readonly retentionDays: number;
  /** Largest upload accepted, bytes. Default 10 MiB. */
  readonly maxUploadBytes: number;
  /** Events a slow WebSocket subscriber may have waiting before the oldest are dropped. Default 1000. */
  readonly subscriberBuffer: number;
  /** Frames per second each stream is analysed at. Default 5. */
  readonly analysisFps: number;
  /** Expression measurements per second per tracked face (AnalysisOptions.expressionRate); unset: every analysed face. */
  readonly expressionRate?: number;
  /**
   * The folder that file and still streams added over the API must lie in (symbolic links
   * resolved). Unset: the API refuses file and still streams.
   */
  readonly mediaRoot?: string;
  /**
   * Origins (scheme://host[:port]) besides the server's own whose pages may change things: a
   * browser's request from any other origin is refused. Default none.
   */
  readonly allowedOrigins: readonly string[];
  /**
   * A fleet's NATS server (with JetStream): set, the server is a gateway of that fleet
   * (docs/scale-out.md); its streams run on `mien worker`s, and it stores and serves their events.
   */
  readonly nats?: string;
}

export const CONFIG_DEFAULTS: ServerConfig = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: 'mien-data',
  retentionDays: 7,
  maxUploadBytes: 10 * 1024 * 1024,
  subscriberBuffer: 1000,
  analysisFps: 5,
  allowedOrigins: [],
  openReads: false,
  streams: [],
};

/** A stream of the config file: a stream request with its id. */
export type DeclaredStream = StreamRequestBody & { readonly id: string };

type Raw = Partial<Record<keyof ServerConfig, unknown>>;

const ENV: Record<string, keyof ServerConfig> = {
  MIEN_HOST: 'host',
  MIEN_PORT: 'port',
  MIEN_DATA_DIR: 'dataDir',
  MIEN_TOKEN: 'token',
  MIEN_RETENTION_DAYS: 'retentionDays',
  MIEN_MAX_UPLOAD_BYTES: 'maxUploadBytes',
  MIEN_SUBSCRIBER_BUFFER: 'subscriberBuffer',
  MIEN_ANALYSIS_FPS: 'analysisFps',
  MIEN_EXPRESSION_RATE: 'expressionRate',
  MIEN_MEDIA_ROOT: 'mediaRoot',
  MIEN_ALLOWED_ORIGINS: 'allowedOrigins',
  MIEN_OPEN_READS: 'openReads',
  MIEN_NATS: 'nats',
};

/** Settings without a default: unset unless given. */
const OPTIONAL: readonly (keyof ServerConfig)[] = ['token', 'expressionRate', 'mediaRoot', 'nats'];

/**
 * Builds the configuration from, lowest precedence first: defaults, a JSON file, the environment,
 * then explicit overrides (command-line flags). Every problem is reported at once, by name.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Raw } = {}): ServerConfig {
  const env = options.env ?? process.env;
  const fromFile: Raw = options.file ? readConfigFile(options.file) : {};
  const fromEnv: Raw = {};
  for (const [name, key] of Object.entries(ENV)) if (env[name] !== undefined && env[name] !== '') fromEnv[key] = env[name];
  const merged: Raw = { ...CONFIG_DEFAULTS, ...fromFile, ...fromEnv, ...stripUndefined(options.overrides ?? {}) };
  const problems: string[] = [];
  const text = (key: keyof ServerConfig): string | undefined => {
    const v = merged[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0) problems.push(`${key} must be a non-empty string`);
    // A problem is said already; a stand-in keeps the other checks going to report theirs.
    return typeof v === 'string' ? v : JSON.stringify(v);
  };
  const flag = (key: keyof ServerConfig): boolean => {
    const v = merged[key];
    if (v === true || v === 'true' || v === '1') return true;
    if (v === false || v === 'false' || v === '0') return false;
    problems.push(`${key} must be true or false (1 or 0 in the environment), got ${JSON.stringify(v)}`);
    return false;
  };
  const integer = (key: keyof ServerConfig, min: number, max: number): number => {
    const v = Number(merged[key]);
    if (!Number.isInteger(v) || v < min || v > max) problems.push(`${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(merged[key])}`);
    return v;
  };
  // Object.hasOwn: `in` would take "toString" or "__proto__" for settings.
  for (const key of Object.keys(fromFile)) {
    if (key === 'whipPort') problems.push(`whipPort is gone: WHIP is served on the main port, at /whip/NAME; remove it from ${options.file}`);
    else if (!Object.hasOwn(CONFIG_DEFAULTS, key) && !OPTIONAL.includes(key as keyof ServerConfig)) problems.push(`unknown setting "${key}" in ${options.file}`);
  }
  if (env.MIEN_WHIP_PORT !== undefined) problems.push('MIEN_WHIP_PORT is gone: WHIP is served on the main port, at /whip/NAME; unset it');
  const token = text('token');
  if (token !== undefined && token.length < 16) problems.push('token must be at least 16 characters');
  const expressionRate = merged.expressionRate === undefined ? undefined : Number(merged.expressionRate);
  if (expressionRate !== undefined && !(expressionRate > 0 && expressionRate <= 60)) problems.push(`expressionRate must be a number of measurements per second above 0 and at most 60, got ${JSON.stringify(merged.expressionRate)}`);
  const mediaRoot = text('mediaRoot');
  if (mediaRoot !== undefined && !isDirectory(mediaRoot)) problems.push(`mediaRoot must be a folder that exists, got ${JSON.stringify(mediaRoot)}`);
  const allowedOrigins = origins(merged.allowedOrigins, problems);
  const nats = text('nats');
  const config: ServerConfig = {
    host: text('host')!,
    port: integer('port', 0, 65535),
    dataDir: resolve(text('dataDir')!),
    ...(token !== undefined && { token }),
    retentionDays: integer('retentionDays', 1, 3650),
    maxUploadBytes: integer('maxUploadBytes', 1024, 1024 * 1024 * 1024),
    subscriberBuffer: integer('subscriberBuffer', 10, 1_000_000),
    analysisFps: integer('analysisFps', 1, 60),
    ...(expressionRate !== undefined && { expressionRate }),
    ...(mediaRoot !== undefined && { mediaRoot: resolve(mediaRoot) }),
    allowedOrigins,
    openReads: flag('openReads'),
    streams: declaredStreams(fromFile.streams ?? [], problems),
    ...(nats !== undefined && { nats }),
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

const isDirectory = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/** A list of origins, from the config file (an array) or the environment (comma-separated). */
function origins(raw: unknown, problems: string[]): string[] {
  const list = typeof raw === 'string' ? raw.split(',').map((o) => o.trim()).filter((o) => o !== '') : raw;
  if (!Array.isArray(list) || !list.every((o): o is string => typeof o === 'string')) {
    problems.push(`allowedOrigins must be a list of origins such as "https://desk.example", got ${JSON.stringify(raw)}`);
    return [];
  }
  const bad = list.filter((o) => !isOrigin(o));
  if (bad.length > 0) problems.push(`allowedOrigins holds what is not an origin (scheme://host[:port]): ${bad.map((o) => JSON.stringify(o)).join(', ')}`);
  return list;
}

function isOrigin(text: string): boolean {
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}

function readConfigFile(path: string): Raw {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`${path} must hold a JSON object`);
  return parsed;
}

const stripUndefined = (raw: Raw): Raw => Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));

/** The config file's streams, checked as the API checks a stream request, with ids given and unique. */
function declaredStreams(raw: unknown, problems: string[]): DeclaredStream[] {
  if (!Array.isArray(raw)) {
    problems.push('streams must be a list of stream requests (as POST /api/streams takes them), each with an "id"');
    return [];
  }
  const declared: DeclaredStream[] = [];
  const ids = new Set<string>();
  for (const [i, entry] of (raw as unknown[]).entries()) {
    const wrong = schemaProblems('StreamRequest', entry);
    const stream = entry as StreamRequestBody;
    if (wrong.length > 0) problems.push(`streams[${i}] is not a stream request: ${wrong.join('; ')}`);
    else if (stream.id === undefined) problems.push(`streams[${i}] needs an "id", so that it is the same stream after a restart`);
    else if (ids.has(stream.id)) problems.push(`streams[${i}]: the id "${stream.id}" is declared twice`);
    else {
      ids.add(stream.id);
      declared.push({ ...stream, id: stream.id, ...('path' in stream && { path: resolve(stream.path) }) });
    }
  }
  return declared;
}
