import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OfficialFile } from '../models/model-source.js';
import { ProvisioningError } from './errors.js';
import { sha256 } from './provision.js';

/** Fetches a URL's bytes; the default is Node's fetch with a time limit. */
export type Download = (url: string, maxBytes: number) => Promise<Uint8Array>;

/**
 * The file's bytes, checked by sha256: from `local` (the file itself, or a folder holding it by
 * name) when given, else downloaded from its official address. Where the network is closed, a
 * local copy is the way in (scripts/setup passes ../shared/models when it is there).
 */
export async function obtainOfficialFile(file: OfficialFile, local?: string, download: Download = fetchBytes): Promise<{ bytes: Uint8Array; from: string }> {
  let from: string;
  let bytes: Uint8Array;
  if (local !== undefined) {
    from = (await stat(local).catch(() => undefined))?.isDirectory() ? join(local, file.name) : local;
    bytes = await readFile(from).catch((caught: unknown) => {
      const error = caught as NodeJS.ErrnoException;
      throw new ProvisioningError(`cannot read ${from} (${error.code ?? error.message}); give the file ${file.name} or a folder holding it`);
    });
  } else {
    from = file.url;
    bytes = await download(file.url, 2 * file.bytes).catch((caught: unknown) => {
      const error = caught as Error;
      throw new ProvisioningError(`cannot download ${file.url} (${error.message}); without internet access, give a copy of ${file.name} with --from`);
    });
  }
  const digest = sha256(bytes);
  if (digest !== file.sha256) throw new ProvisioningError(`${from}: sha256 ${digest}, expected ${file.sha256}: not the published ${file.name}`);
  return { bytes, from };
}

const DOWNLOAD_TIMEOUT_MS = 120_000;

async function fetchBytes(url: string, maxBytes: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) }).catch((caught: unknown) => {
    const error = caught as Error;
    throw new Error((error.cause as Error | undefined)?.message ?? error.message);
  });
  if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status}`);
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.length;
    if (size > maxBytes) {
      // Stop reading at once: a wrong or hostile answer must not fill memory.
      await reader.cancel();
      throw new Error(`it is more than the ${maxBytes} bytes expected`);
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}
