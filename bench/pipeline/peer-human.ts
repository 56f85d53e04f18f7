/**
 * The peer: @vladmandic/human (TensorFlow.js on its WebAssembly backend) on a video's frames, as a
 * Node user would run it today: its own face detection (BlazeFace), face mesh, emotion and face
 * description (FaceRes: embedding, age, gender) on every face of every frame. Run in a child
 * process of bench/pipeline.ts so that its memory, CPU and TensorFlow.js globals stay its own;
 * prints one JSON line (PeerRun).
 *
 *   npx tsx bench/pipeline/peer-human.ts --clip VIDEO [--fps 10] [--max-width 1280] [--rounds 2]   (the fastest round)
 *
 * Offline: its models are read from the npm package (node_modules/@vladmandic/human/models) and the
 * wasm binaries from @tensorflow/tfjs-backend-wasm; any other fetch throws, so a run that
 * completes proves that nothing came from the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Config, Human } from '@vladmandic/human';
import { concatMap, firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { fileFrames } from '../../src/ingest/file-source.js';
import type { Frame } from '../../src/ingest/frame.js';
import { measure, type PhaseCost } from './measure.js';

export interface PeerRun {
  readonly peer: string;
  readonly backend: string;
  /** The wasm backend's SIMD and multithreading, as TensorFlow.js found them. */
  readonly wasm: { simd: boolean; threads: boolean };
  /** Where the models were read from: a path inside node_modules, never a URL. */
  readonly modelsFrom: string;
  readonly frames: number;
  readonly faces: number;
  readonly facesWithEmotion: number;
  readonly facesWithDescription: number;
  readonly cost: PhaseCost;
}

const require = createRequire(import.meta.url);
// The package's "exports" hide its wasm build behind a Node condition that picks tfjs-node: load the file itself.
const humanDir = dirname(dirname(require.resolve('@vladmandic/human')));
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/');
const modelsDir = join(humanDir, 'models', '/');

/** file: URLs read from disk (Node's fetch has no file scheme); anything else is refused. */
function offlineFetch(input: string | URL | Request): Promise<Response> {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (!url.startsWith('file:')) return Promise.reject(new Error(`the peer tried to reach the network: ${url}`));
  return Promise.resolve(new Response(readFileSync(fileURLToPath(url))));
}

/** Every face module that matches Mien's work (detection, landmarks, expression, identity), each on every frame: no result reuse between frames. */
const EVERY_FRAME = { skipFrames: 0, skipTime: 0 };
export const PEER_CONFIG: Partial<Config> = {
  backend: 'wasm',
  wasmPath: wasmDir,
  modelBasePath: pathToFileURL(modelsDir).href,
  debug: false,
  warmup: 'none',
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { ...EVERY_FRAME, maxDetected: 50, rotation: false },
    mesh: { enabled: true },
    iris: { enabled: false },
    emotion: { enabled: true, ...EVERY_FRAME },
    description: { enabled: true, ...EVERY_FRAME },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
};

export async function runPeer(clip: string, fps: number, maxWidth: number, rounds = 1): Promise<PeerRun> {
  globalThis.fetch = offlineFetch;
  const { Human: HumanClass } = require(join(humanDir, 'dist/human.node-wasm.js')) as { Human: new (config: Partial<Config>) => Human };
  const human = new HumanClass(PEER_CONFIG);
  await human.load();
  const detect = async (frame: Frame) => {
    const input = human.tf.tensor(frame.data, [1, frame.height, frame.width, 3], 'int32');
    const result = await human.detect(input);
    human.tf.dispose(input);
    if (result.error) throw new Error(`the peer failed on frame ${frame.index}: ${result.error}`);
    return result.face;
  };
  const frames = () => fileFrames(clip, { maxFps: fps, maxWidth, stream: 'peer' });
  // Warm-up on the first frame, as Mien's run gets (first inferences allocate).
  await detect(await firstValueFrom(frames()));
  let best: { result: Awaited<ReturnType<typeof detect>>[]; cost: PhaseCost } | undefined;
  for (let round = 0; round < rounds; round++) {
    const run = await measure(() => lastValueFrom(frames().pipe(concatMap((frame) => from(detect(frame))), toArray())));
    if (!best || run.cost.seconds < best.cost.seconds) best = run;
  }
  const { result: perFrame, cost } = best!;
  const faces = perFrame.flat();
  const flags = human.tf.env().flags;
  return {
    peer: `@vladmandic/human ${human.version}, tfjs ${human.tf.version_core}`,
    backend: human.tf.getBackend(),
    wasm: { simd: flags.WASM_HAS_SIMD_SUPPORT === true, threads: flags.WASM_HAS_MULTITHREAD_SUPPORT === true },
    modelsFrom: modelsDir,
    frames: perFrame.length,
    faces: faces.length,
    facesWithEmotion: faces.filter((f) => (f.emotion?.length ?? 0) > 0).length,
    facesWithDescription: faces.filter((f) => (f.embedding?.length ?? 0) > 0).length,
    cost,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { clip: { type: 'string' }, fps: { type: 'string', default: '10' }, 'max-width': { type: 'string', default: '1280' }, rounds: { type: 'string', default: '1' } } });
  if (!values.clip) throw new TypeError('--clip VIDEO is required');
  const run = await runPeer(values.clip, Number(values.fps), Number(values['max-width']), Number(values.rounds));
  process.stdout.write(`${JSON.stringify(run)}\n`);
  // tfjs-backend-wasm keeps handles open.
  process.exit(0);
}
