/**
 * Writes MediaPipe's own FaceLandmarker outputs (tasks-vision in Chromium, see
 * test/support/mediapipe-web.ts) for a list of pictures to a JSON file, as reference for Mien's
 * TFLite-to-ONNX conversion and MediaPipe pipeline port.
 *
 *   npx tsx scripts/mediapipe-reference.ts --out /tmp/mediapipe-reference.json [--task FILE] [PICTURE...]
 *
 * Without pictures: faces/london/*.jpg, faces/meds/*.jpg, faces/lisa/*.jpg, faces/astronaut.png and
 * expressions/cremad-frames/*.jpg from ../shared/fixtures. Pictures are decoded by Mien's own
 * decoder, so the reference sees exactly the pixels Mien does. Write the output outside the repo.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readImageFile } from '../src/ingest/image-file.js';
import { FIXTURES } from '../test/support/fixtures.js';
import { MediapipeWebRuntime, tasksVisionVersion, type WebFace } from '../test/support/mediapipe-web.js';

const DEFAULT_TASK = fileURLToPath(new URL('../../shared/models/face_landmarker.task', import.meta.url));

/** Default sets: a fixture folder and which of its files, or a single fixture file. */
const DEFAULT_SETS: readonly { set: string; dir: string; pattern: RegExp }[] = [
  { set: 'faces/london', dir: 'faces/london', pattern: /\.jpg$/ },
  { set: 'faces/meds', dir: 'faces/meds', pattern: /\.jpg$/ },
  { set: 'faces/lisa', dir: 'faces/lisa', pattern: /\.jpg$/ },
  { set: 'faces/astronaut.png', dir: 'faces', pattern: /^astronaut\.png$/ },
  { set: 'expressions/cremad-frames', dir: 'expressions/cremad-frames', pattern: /\.jpg$/ },
];

interface PictureEntry {
  readonly set: string;
  readonly file: string;
}

export interface ReferencePicture {
  /** Absolute path of the picture. */
  readonly file: string;
  /** The path under ../shared/fixtures, or null for a picture elsewhere. */
  readonly fixture: string | null;
  readonly set: string;
  /** The size Mien's decoder gives (EXIF orientation applied); landmarks are normalised to it. */
  readonly width: number;
  readonly height: number;
  readonly faces: readonly WebFace[];
}

function defaultPictures(): PictureEntry[] {
  return DEFAULT_SETS.flatMap(({ set, dir, pattern }) =>
    readdirSync(join(FIXTURES, dir))
      .filter((name) => pattern.test(name))
      .sort()
      .map((name) => ({ set, file: join(FIXTURES, dir, name) })),
  );
}

function fixturePath(file: string): string | null {
  const rel = relative(FIXTURES, file);
  return rel.startsWith('..') || rel.startsWith(sep) ? null : rel.split(sep).join('/');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { out: { type: 'string' }, task: { type: 'string', default: DEFAULT_TASK } },
    allowPositionals: true,
  });
  if (!values.out) throw new Error('usage: npx tsx scripts/mediapipe-reference.ts --out FILE.json [--task face_landmarker.task] [PICTURE...]');
  const out = resolve(values.out);
  const task = resolve(values.task);
  const entries: PictureEntry[] = positionals.length
    ? positionals.map((p) => ({ set: dirname(fixturePath(resolve(p)) ?? resolve(p)), file: resolve(p) }))
    : defaultPictures();
  for (const { file } of entries) if (!statSync(file).isFile()) throw new Error(`${file}: not a file`);

  const started = performance.now();
  const runtime = await MediapipeWebRuntime.start(task);
  const startup = performance.now() - started;
  const pictures: ReferencePicture[] = [];
  try {
    for (const { set, file } of entries) {
      const picture = await readImageFile(file);
      const [result] = await runtime.faceLandmarks([picture]);
      pictures.push({ file, fixture: fixturePath(file), set, width: picture.width, height: picture.height, faces: result.faces });
    }
    const seconds = (performance.now() - started) / 1000;
    const reference = {
      generator: {
        script: 'scripts/mediapipe-reference.ts',
        tasksVision: await tasksVisionVersion(),
        chromium: runtime.chromiumVersion,
        task,
        taskSha256: createHash('sha256').update(readFileSync(task)).digest('hex'),
        runningMode: 'IMAGE',
        options: runtime.options,
        outputs: 'per face: 478 landmarks (x, y normalised to the picture, z), 52 blendshapes in model order, 4x4 facial transformation matrix (column-major)',
        createdAt: new Date().toISOString(),
        seconds,
      },
      pictures,
    };
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(reference));

    // A summary per set on stderr: how many pictures, how many faces.
    const sets = [...new Set(pictures.map((p) => p.set))];
    for (const set of sets) {
      const inSet = pictures.filter((p) => p.set === set);
      const counts = new Map<number, number>();
      for (const p of inSet) counts.set(p.faces.length, (counts.get(p.faces.length) ?? 0) + 1);
      const histogram = [...counts].sort(([a], [b]) => a - b).map(([faces, n]) => `${n} with ${faces}`).join(', ');
      const total = inSet.reduce((n, p) => n + p.faces.length, 0);
      console.error(`${set}: ${inSet.length} pictures, ${total} faces (${histogram})`);
    }
    console.error(`${pictures.length} pictures in ${seconds.toFixed(1)} s (start-up ${(startup / 1000).toFixed(1)} s) -> ${out}`);
  } finally {
    await runtime.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
