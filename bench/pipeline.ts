/**
 * Mien's real-time throughput, measured against its two limits and a peer, on fixture videos with
 * one face, two faces and a crowd. Per clip, in one run (one process, the same ONNX sessions):
 *
 * - decode: the clip through fileFrames alone (GStreamer decode, rate cap, RGB into Node);
 * - pipeline: fileFrames -> ExpressionAnalysis.events() in process, every frame analysed as fast
 *   as it goes (the saturated rate): frames decoded and analysed, faces per second, CPU, peak RSS;
 *   once as configured by default (identity embedding once a second per track) and once "strict"
 *   (identity embedding on every accepted face, the peer's terms);
 * - model-only: the same session runs the pipeline made (same models, batch sizes and number of
 *   faces), replayed on inputs packed in advance; efficiency = pipeline faces/s / model-only faces/s;
 * - peer: @vladmandic/human on its wasm backend (bench/pipeline/peer-human.ts, a child process);
 * - live: a real MienServer playing the clip as a camera (looped, paced by its timestamps) at the
 *   sustainable rate (the pipeline's analysed frames per second, rounded down) with a WebSocket
 *   client on /events: frame-to-event latency from the frame's arrival at the analysis (the
 *   events' wallTime) to the event arriving at the client, beside the same events on the server's
 *   bus (in process, before the WebSocket).
 *
 * - spaces: where MediaPipe's Face Landmarker is provisioned, the default pipeline (mesh for FaceQA's
 *   pose and the relative expression embedding) against the same without the Face Landmarker (PnP
 *   pose, the classifier alone), alternating round by round: faces per second of each.
 *
 * Decode, pipeline (alternating with its model-only replay) and peer take the fastest of `rounds`.
 * The machine is shared: compare ratios within one run, and run it twice to see the noise.
 *
 *   npx tsx bench/pipeline.ts [--json] [--clips one,two,crowd] [--fps 10] [--rounds 2] [--live-seconds 15] [--live-fps N]
 *                             [--expression-rate N] [--no-peer] [--no-live] [--thread main|worker|shared]
 *
 * --expression-rate N adds a pipeline run and a live run (at the same frame rate) measuring
 * expressions at most N times a second per tracked face (AnalysisOptions.expressionRate), beside the
 * default. --thread runs the sessions on the main thread, in a worker each, or in one shared worker
 * (InferenceOptions.thread), with two batches in flight off the main thread (AnalysisOptions.batchesInFlight);
 * unset, as `mien` does.
 */
import { execFile } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { count, firstValueFrom, lastValueFrom, tap } from 'rxjs';
import WebSocket from 'ws';
import type { FaceEvent } from '../src/events/events.js';
import { ExpressionSpace } from '../src/expression/expression-space.js';
import { FaceCore } from '../src/face/analyser.js';
import { fileFrames } from '../src/ingest/file-source.js';
import type { PullGate } from '../src/ingest/pull-gate.js';
import { InferenceWorker } from '../src/models/inference-worker.js';
import { openModels } from '../src/models/index.js';
import { AnalysisRuntime } from '../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../src/runtime/settings.js';
import { DEFAULT_INFERENCE_THREAD, type InferenceOptions, type InferenceRun } from '../src/models/session.js';
import { ExpressionAnalysis, type AnalysisOptions } from '../src/operators/analysis-pipeline.js';
import { loadConfig } from '../src/server/config.js';
import { MienServer } from '../src/server/server.js';
import { fixture, scratchDir } from '../test/support/fixtures.js';
import { latencyOf, measure, table, type Latency, type PhaseCost } from './pipeline/measure.js';
import { inferenceSummary, InferenceRecorder, prepareReplay } from './pipeline/model-replay.js';
import type { PeerRun } from './pipeline/peer-human.js';

const CLIPS = {
  one: { path: 'video/cremad-1001-six-emotions.mp4', what: 'one face, 480x360, 12.6 s' },
  two: { path: 'video/two-people-grid.mp4', what: 'two faces, 720x288, 3 s' },
  crowd: { path: 'video/event-hall.mp4', what: 'about 4 faces, 640x480, 3 s' },
} as const;
type ClipName = keyof typeof CLIPS;

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    clips: { type: 'string', default: 'one,two,crowd' },
    fps: { type: 'string', default: '10' },
    'max-width': { type: 'string', default: '1280' },
    'live-seconds': { type: 'string', default: '15' },
    'live-fps': { type: 'string' },
    'no-peer': { type: 'boolean', default: false },
    'no-live': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
    'expression-rate': { type: 'string' },
    thread: { type: 'string' },
  },
});
const clipNames = values.clips.split(',').map((name) => {
  if (!(name in CLIPS)) throw new TypeError(`unknown clip "${name}"; use ${Object.keys(CLIPS).join(', ')}`);
  return name as ClipName;
});
const fps = Number(values.fps);
const maxWidth = Number(values['max-width']);
const liveSeconds = Number(values['live-seconds']);
const rounds = Number(values.rounds);
const expressionRate = values['expression-rate'] === undefined ? undefined : Number(values['expression-rate']);
const log = (line: string) => {
  if (!values.json) console.log(line);
};

interface PipelineRun {
  readonly framesDecoded: number;
  readonly framesAnalysed: number;
  readonly faces: number;
  readonly acceptedFaces: number;
  readonly identityEmbeddings: number;
  readonly expressionEmbeddings: number;
  readonly facesPerSecond: number;
  readonly cost: PhaseCost;
  readonly modelOnly: { readonly seconds: number; readonly facesPerSecond: number; readonly cost: PhaseCost };
  readonly efficiency: number;
  /** CPU seconds of the model-only replay over those of the pipeline: the share of its work that is inference. */
  readonly cpuEfficiency: number;
  /** Seconds inside session runs during the pipeline run, per model file. */
  readonly inferenceSeconds: Record<string, number>;
}

interface LiveRun {
  readonly fps: number;
  readonly seconds: number;
  readonly framesReceived: number;
  readonly framesAnalysed: number;
  readonly framesSkipped: number;
  readonly framesDropped: number;
  readonly faces: number;
  readonly facesPerSecond: number;
  /** Frame arrival at the analysis to the event at the WebSocket client. */
  readonly latencyMs: Latency;
  /** Frame arrival at the analysis to the event on the server's bus. */
  readonly busLatencyMs: Latency;
  readonly cost: PhaseCost;
}

interface FacesTimed {
  readonly faces: number;
  readonly seconds: number;
}

interface ClipResult {
  readonly clip: string;
  readonly what: string;
  readonly decode: { readonly frames: number; readonly framesPerSecond: number; readonly cost: PhaseCost };
  readonly pipeline: PipelineRun;
  readonly strict: PipelineRun;
  /** With --expression-rate: expression measured at most that often per tracked face. */
  readonly sampled?: PipelineRun;
  readonly peer?: PeerRun & { readonly facesPerSecond: number };
  readonly live?: LiveRun;
  /** With --expression-rate: the same live run with expressions sampled. */
  readonly liveSampled?: LiveRun;
  /** Faces and seconds of the fastest round with the relative embedding and with the classifier alone, alternating. */
  readonly spaces?: { readonly relative: FacesTimed; readonly classifier: FacesTimed };
}

const recorder = new InferenceRecorder();
const THREADS = ['main', 'worker', 'shared'] as const;
if (values.thread !== undefined && !(THREADS as readonly string[]).includes(values.thread)) throw new TypeError(`--thread must be one of ${THREADS.join(', ')}`);
const sharedWorker = values.thread === 'shared' ? new InferenceWorker() : undefined;
const thread: InferenceOptions['thread'] = sharedWorker ?? (values.thread as 'main' | 'worker' | undefined);
const models = await openModels({}, { log: () => {}, onInference: recorder.onInference, thread });
// Overlapping batches pay off only when inference leaves the main thread.
const batchesInFlight = (thread ?? DEFAULT_INFERENCE_THREAD) === 'main' ? 1 : 2;
const core = new FaceCore(models);
const frames = (path: string, gate?: PullGate) => fileFrames(fixture(path), { maxFps: fps, maxWidth, stream: 'bench', gate });

async function decodeOnly(path: string): Promise<ClipResult['decode']> {
  let best: { result: number; cost: PhaseCost } | undefined;
  for (let round = 0; round < rounds; round++) {
    const run = await measure(() => lastValueFrom(frames(path).pipe(count())));
    if (!best || run.cost.seconds < best.cost.seconds) best = run;
  }
  return { frames: best!.result, framesPerSecond: best!.result / best!.cost.seconds, cost: best!.cost };
}

interface AnalysedOnce {
  readonly framesDecoded: number;
  readonly framesAnalysed: number;
  readonly faces: number;
  readonly acceptedFaces: number;
  readonly cost: PhaseCost;
  readonly runs: InferenceRun[];
}

async function analyseOnce(path: string, options: AnalysisOptions, faceCore = core): Promise<AnalysedOnce> {
  let framesDecoded = 0, framesAnalysed = 0, faces = 0, acceptedFaces = 0;
  const analysis = new ExpressionAnalysis(faceCore, () => [], {
    batchesInFlight,
    ...options,
    onAnalysed: (record) => {
      framesAnalysed++;
      faces += record.faces.length;
      acceptedFaces += record.faces.filter((f) => f.face.quality.accepted).length;
    },
  });
  // As `mien analyze` reads a file: decoding no further ahead than the analysis takes.
  const gate = analysis.analysisGate();
  recorder.start();
  const { cost } = await measure(() => lastValueFrom(frames(path, gate).pipe(tap(() => framesDecoded++), analysis.events(gate), count())));
  return { framesDecoded, framesAnalysed, faces, acceptedFaces, cost, runs: recorder.stop() };
}

const fastest = (a: PhaseCost, b: PhaseCost) => (b.seconds < a.seconds ? b : a);

/**
 * The pipeline as it runs without MediaPipe's Face Landmarker (the same sessions, less the mesh):
 * FaceQA's pose by PnP on the 68 points and the classifier alone as the embedding.
 */
const withoutMeshCore = new FaceCore({ ...models, faceMesh: undefined });

/** The default pipeline and the one without the Face Landmarker, alternating; the fastest of `rounds` each. */
async function spacesCompared(path: string): Promise<ClipResult['spaces']> {
  if (!ExpressionSpace.of(core).relative) return undefined;
  await new ExpressionAnalysis(withoutMeshCore, () => []).analyse([await firstValueFrom(frames(path))]);
  let relative: FacesTimed | undefined, classifier: FacesTimed | undefined;
  const faster = (best: FacesTimed | undefined, run: AnalysedOnce): FacesTimed => (!best || run.cost.seconds < best.seconds ? { faces: run.faces, seconds: run.cost.seconds } : best);
  for (let round = 0; round < rounds; round++) {
    relative = faster(relative, await analyseOnce(path, {}));
    classifier = faster(classifier, await analyseOnce(path, {}, withoutMeshCore));
  }
  return { relative: relative!, classifier: classifier! };
}

/** The pipeline and its model-only replay, alternating for `rounds`; the fastest of each. */
async function pipelineRun(path: string, options: AnalysisOptions = {}): Promise<PipelineRun> {
  // Warm-up on the first frame (first session runs allocate), with an analysis of its own.
  await new ExpressionAnalysis(core, () => [], options).analyse([await firstValueFrom(frames(path))]);
  let best: AnalysedOnce | undefined, bestModel: PhaseCost | undefined;
  for (let round = 0; round < rounds; round++) {
    const run = await analyseOnce(path, options);
    const { result: inside, cost: replayCost } = await measure(prepareReplay(models, run.runs));
    // The replay's time is that inside its session runs (its input copies are not); its CPU time all of it.
    const modelCost = { ...replayCost, seconds: inside, cpuCores: (replayCost.cpuCores * replayCost.seconds) / inside };
    if (!best || run.cost.seconds < best.cost.seconds) best = run;
    bestModel = bestModel ? fastest(bestModel, modelCost) : modelCost;
  }
  const { cost, runs, faces } = best!;
  const summary = inferenceSummary(runs);
  const facesPerSecond = faces / cost.seconds;
  const modelOnlyFacesPerSecond = faces / bestModel!.seconds;
  const cpuSeconds = (c: PhaseCost) => c.cpuCores * c.seconds;
  return {
    framesDecoded: best!.framesDecoded,
    framesAnalysed: best!.framesAnalysed,
    faces,
    acceptedFaces: best!.acceptedFaces,
    identityEmbeddings: summary.get(models.identity.file)?.images ?? 0,
    expressionEmbeddings: summary.get(models.expression.file)?.images ?? 0,
    facesPerSecond,
    cost,
    modelOnly: { seconds: bestModel!.seconds, facesPerSecond: modelOnlyFacesPerSecond, cost: bestModel! },
    efficiency: facesPerSecond / modelOnlyFacesPerSecond,
    cpuEfficiency: cpuSeconds(bestModel!) / cpuSeconds(cost),
    inferenceSeconds: Object.fromEntries([...summary].map(([model, s]) => [model, s.seconds])),
  };
}

async function peerRun(path: string): Promise<ClipResult['peer']> {
  const script = fileURLToPath(new URL('./pipeline/peer-human.ts', import.meta.url));
  const { stdout } = await promisify(execFile)('npx', ['tsx', script, '--clip', fixture(path), '--fps', String(fps), '--max-width', String(maxWidth), '--rounds', String(rounds)], { maxBuffer: 1 << 20 });
  const run = JSON.parse(stdout.trim().split('\n').at(-1)!) as PeerRun;
  return { ...run, facesPerSecond: run.faces / run.cost.seconds };
}

async function liveRun(path: string, liveFps: number, rate?: number): Promise<LiveRun> {
  const config = loadConfig({ env: {}, overrides: { port: 0, dataDir: scratchDir(), analysisFps: liveFps, subscriberBuffer: 100_000, expressionRate: rate } });
  const server = await MienServer.start(config, { runtime: AnalysisRuntime.over(models, { ...DEFAULT_SETTINGS, inference: { ...DEFAULT_SETTINGS.inference, thread: batchesInFlight === 1 ? 'main' : 'worker' } }), log: () => {} });
  const wsLatency: number[] = [];
  const busLatency: number[] = [];
  server.bus.subscribe((event) => {
    if (event.kind === 'face') busLatency.push(Date.now() - Date.parse(event.wallTime));
  });
  const client = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/events`);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', kinds: ['face'] })));
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; event?: FaceEvent };
      if (message.type === 'subscribed') resolve(ws);
      if (message.type === 'event' && message.event) wsLatency.push(Date.now() - Date.parse(message.event.wallTime));
    });
    ws.on('error', reject);
  });
  const { cost } = await measure(async () => {
    server.streams.add({ kind: 'file', path: fixture(path), loop: true, id: 'bench' }, 'api');
    await new Promise((resolve) => setTimeout(resolve, liveSeconds * 1000));
  });
  const info = server.streams.get('bench')!;
  server.streams.remove('bench');
  // Events of frames already in analysis still arrive; let them.
  await new Promise((resolve) => setTimeout(resolve, 500));
  client.close();
  await server.close();
  return {
    fps: liveFps,
    seconds: cost.seconds,
    framesReceived: info.framesReceived,
    framesAnalysed: info.framesAnalysed,
    framesSkipped: info.framesSkipped,
    framesDropped: info.framesDropped,
    faces: wsLatency.length,
    facesPerSecond: wsLatency.length / cost.seconds,
    latencyMs: latencyOf(wsLatency),
    busLatencyMs: latencyOf(busLatency),
    cost,
  };
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const costCells = (c: PhaseCost) => [f(c.seconds, 2), f(c.cpuCores, 2), f(c.peakRssMb, 0)];

log(`mien bench/pipeline: ${new Date().toISOString()}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, providers ${[...new Set(Object.values(models.providers))].join('/')}, expression model ${models.expressionPrecision}, inference thread ${values.thread ?? DEFAULT_INFERENCE_THREAD}, intra-op threads ${process.env.MIEN_INTRA_OP_THREADS ?? availableParallelism()}`);
log(`decode cap ${fps} fps, width <= ${maxWidth}; decode, pipeline and model-only: fastest of ${rounds} alternating rounds; live runs ${liveSeconds} s each\n`);

const results: ClipResult[] = [];
for (const name of clipNames) {
  const { path, what } = CLIPS[name];
  log(`== ${name}: ${path} (${what})`);
  const decode = await decodeOnly(path);
  const pipeline = await pipelineRun(path);
  const strict = await pipelineRun(path, { identity: { refreshSeconds: 0 } });
  const sampled = expressionRate === undefined ? undefined : await pipelineRun(path, { expressionRate });
  const spaces = await spacesCompared(path);
  const peer = values['no-peer'] ? undefined : await peerRun(path);
  const sustainable = Math.max(1, Math.min(60, Math.floor(pipeline.framesAnalysed / pipeline.cost.seconds)));
  const liveFps = values['live-fps'] ? Number(values['live-fps']) : sustainable;
  const live = values['no-live'] ? undefined : await liveRun(path, liveFps);
  const liveSampled = values['no-live'] || expressionRate === undefined ? undefined : await liveRun(path, liveFps, expressionRate);
  results.push({ clip: path, what, decode, pipeline, strict, ...(sampled && { sampled }), ...(peer && { peer }), ...(live && { live }), ...(liveSampled && { liveSampled }), ...(spaces && { spaces }) });

  const rows = [['phase', 'frames', 'faces', 'faces/s', 'frames/s', 'x model-only', 'CPU x m-o', 'seconds', 'CPU cores', 'peak RSS MB']];
  rows.push(['decode only', String(decode.frames), '-', '-', f(decode.framesPerSecond), '-', '-', ...costCells(decode.cost)]);
  const modes: [string, PipelineRun][] = [['pipeline', pipeline], ['pipeline, strict', strict]];
  if (sampled) modes.push([`pipeline, expression ${expressionRate}/s`, sampled]);
  for (const [label, run] of modes) {
    rows.push([label, `${run.framesAnalysed}/${run.framesDecoded}`, String(run.faces), f(run.facesPerSecond), f(run.framesAnalysed / run.cost.seconds), f(run.efficiency, 2), f(run.cpuEfficiency, 2), ...costCells(run.cost)]);
    rows.push([`  model-only`, '-', String(run.faces), f(run.modelOnly.facesPerSecond), '-', '1.00', '1.00', ...costCells(run.modelOnly.cost)]);
  }
  if (peer) rows.push(['peer (human, wasm)', String(peer.frames), String(peer.faces), f(peer.facesPerSecond), f(peer.frames / peer.cost.seconds), '-', '-', ...costCells(peer.cost)]);
  log(table(rows));
  log(`pipeline: ${pipeline.acceptedFaces} of ${pipeline.faces} faces accepted; ${pipeline.identityEmbeddings} identity and ${pipeline.expressionEmbeddings} expression embeddings (strict: ${strict.identityEmbeddings} identity)`);
  if (sampled) log(`expression ${expressionRate}/s per track: ${sampled.expressionEmbeddings} expression embeddings; faces/s x default ${f(sampled.facesPerSecond / pipeline.facesPerSecond, 2)}`);
  if (spaces) {
    const rate = (t: FacesTimed) => t.faces / t.seconds;
    log(`with the Face Landmarker / without, alternating: ${f(rate(spaces.relative))} / ${f(rate(spaces.classifier))} faces/s = ${f(rate(spaces.relative) / rate(spaces.classifier), 2)}`);
  }
  const inside = Object.values(pipeline.inferenceSeconds).reduce((a, b) => a + b, 0);
  // Two batches are analysed at once: on the main thread a run's time includes the run it waited behind.
  log(`inside session runs during the pipeline run: ${Object.entries(pipeline.inferenceSeconds).map(([m, s]) => `${m} ${f(s, 2)} s`).join(', ')} of ${f(pipeline.cost.seconds, 2)} s; wall time minus their sum ${f(pipeline.cost.seconds - inside, 2)} s (${f((1000 * (pipeline.cost.seconds - inside)) / pipeline.framesAnalysed)} ms a frame)`);
  if (peer) {
    log(`peer: ${peer.peer}, backend ${peer.backend} (simd ${peer.wasm.simd}, threads ${peer.wasm.threads}), models from ${peer.modelsFrom}; ${peer.facesWithEmotion} faces with emotion, ${peer.facesWithDescription} with description`);
    log(`faces/s, Mien strict / peer: ${f(strict.facesPerSecond / peer.facesPerSecond, 2)}; Mien default / peer: ${f(pipeline.facesPerSecond / peer.facesPerSecond, 2)}`);
  }
  for (const [label, run] of [['', live], [`, expression ${expressionRate}/s`, liveSampled]] as const) {
    if (!run) continue;
    log(`live through MienServer at ${run.fps} fps${label} for ${f(run.seconds)} s: ${run.framesAnalysed} frames analysed of ${run.framesReceived} received, ${run.framesSkipped} skipped by the source, ${run.framesDropped} dropped; ${run.faces} face events, ${f(run.facesPerSecond)} faces/s; CPU ${f(run.cost.cpuCores, 2)} cores, peak RSS ${f(run.cost.peakRssMb, 0)} MB`);
    log(`  frame-to-event latency ms, WebSocket client: p50 ${f(run.latencyMs.p50, 0)}, p95 ${f(run.latencyMs.p95, 0)}, p99 ${f(run.latencyMs.p99, 0)}; on the bus: p50 ${f(run.busLatencyMs.p50, 0)}, p95 ${f(run.busLatencyMs.p95, 0)}, p99 ${f(run.busLatencyMs.p99, 0)}`);
  }
  log('');
}
await models.close();
await sharedWorker?.close();

const sum = (pick: (r: ClipResult) => number) => results.reduce((total, r) => total + pick(r), 0);
const facesPerSecond = sum((r) => r.pipeline.faces) / sum((r) => r.pipeline.cost.seconds);
const modelOnlyFacesPerSecond = sum((r) => r.pipeline.faces) / sum((r) => r.pipeline.modelOnly.seconds);
const strictFacesPerSecond = sum((r) => r.strict.faces) / sum((r) => r.strict.cost.seconds);
const peers = results.filter((r) => r.peer);
const peerFacesPerSecond = peers.length === 0 ? null : peers.reduce((t, r) => t + r.peer!.faces, 0) / peers.reduce((t, r) => t + r.peer!.cost.seconds, 0);
const lives = results.filter((r) => r.live).map((r) => r.live!);
const livesSampled = results.filter((r) => r.liveSampled).map((r) => r.liveSampled!);
const worst = (runs: LiveRun[]) => (runs.length === 0 ? null : { p50: Math.max(...runs.map((l) => l.latencyMs.p50)), p95: Math.max(...runs.map((l) => l.latencyMs.p95)), p99: Math.max(...runs.map((l) => l.latencyMs.p99)) });
const summary = {
  facesPerSecond,
  modelOnlyFacesPerSecond,
  efficiency: facesPerSecond / modelOnlyFacesPerSecond,
  strictFacesPerSecond,
  strictEfficiency: strictFacesPerSecond / (sum((r) => r.strict.faces) / sum((r) => r.strict.modelOnly.seconds)),
  sampledFacesPerSecond: expressionRate === undefined ? null : sum((r) => r.sampled!.faces) / sum((r) => r.sampled!.cost.seconds),
  relativeOverClassifier:
    results.length > 0 && results.every((r) => r.spaces)
      ? sum((r) => r.spaces!.relative.faces) / sum((r) => r.spaces!.relative.seconds) / (sum((r) => r.spaces!.classifier.faces) / sum((r) => r.spaces!.classifier.seconds))
      : null,
  peerFacesPerSecond,
  peerRatio: peerFacesPerSecond === null ? null : strictFacesPerSecond / peerFacesPerSecond,
  // The worst clip's, not a pool: each clip runs at its own rate.
  latencyMs: worst(lives),
  sampledLatencyMs: worst(livesSampled),
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  expressionPrecision: models.expressionPrecision,
};
if (values.json) {
  console.log(JSON.stringify({ ...summary, at: new Date().toISOString(), fps, clips: results }));
} else {
  log(`all clips: ${f(facesPerSecond)} faces/s, model-only ${f(modelOnlyFacesPerSecond)}, efficiency ${f(summary.efficiency, 2)}; strict ${f(strictFacesPerSecond)} faces/s (efficiency ${f(summary.strictEfficiency, 2)})`);
  if (summary.sampledFacesPerSecond !== null) log(`expression ${expressionRate}/s per track: ${f(summary.sampledFacesPerSecond)} faces/s, x default ${f(summary.sampledFacesPerSecond / facesPerSecond, 2)}`);
  if (summary.relativeOverClassifier !== null) log(`all clips, faces/s with the Face Landmarker / without: ${f(summary.relativeOverClassifier, 2)}`);
  if (peerFacesPerSecond !== null) log(`peer ${f(peerFacesPerSecond)} faces/s; Mien strict / peer ${f(summary.peerRatio!, 2)}`);
  if (summary.latencyMs) log(`live latency, worst clip, ms: p50 ${f(summary.latencyMs.p50, 0)}, p95 ${f(summary.latencyMs.p95, 0)}, p99 ${f(summary.latencyMs.p99, 0)}`);
  if (summary.sampledLatencyMs) log(`live latency with expression ${expressionRate}/s, worst clip, ms: p50 ${f(summary.sampledLatencyMs.p50, 0)}, p95 ${f(summary.sampledLatencyMs.p95, 0)}, p99 ${f(summary.sampledLatencyMs.p99, 0)}`);
  log(`peak RSS of this process ${f(summary.peakRssMb, 0)} MB (the peer runs in its own process)`);
}
