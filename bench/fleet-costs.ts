/**
 * What one stream costs a fleet: a `StreamWorker` on a real JetStream server runs fixture videos
 * (looped, as cameras) for a while, and this prints the CPU seconds the worker process spent per
 * analysed frame and per face, the events per analysed frame, and the size of an event as
 * JetStream stores it: the figures docs/scale-out.md sizes a deployment from. The process's CPU
 * time counts the inference threads too; NATS's own runs in nats-server and is printed apart.
 *
 *   npx tsx bench/fleet-costs.ts [--streams 2] [--seconds 40] [--fps 5] [--warmup 10]
 */
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DesiredStreams } from '../src/fleet/desired-streams.js';
import { FLEET } from '../src/fleet/fleet-names.js';
import { StreamWorker } from '../src/fleet/stream-worker.js';
import { WorkerMetrics } from '../src/fleet/worker-metrics.js';
import { AnalysisRuntime } from '../src/runtime/analysis-runtime.js';
import { DEFAULT_SETTINGS } from '../src/runtime/settings.js';
import { FIXTURES } from '../test/support/fixtures.js';
import { startJetStream } from '../test/support/jetstream.js';

const { values } = parseArgs({ options: { streams: { type: 'string', default: '2' }, seconds: { type: 'string', default: '40' }, fps: { type: 'string', default: '5' }, warmup: { type: 'string', default: '10' } } });
const streams = Number(values.streams), seconds = Number(values.seconds), fps = Number(values.fps), warmup = Number(values.warmup);
const VIDEOS = ['cremad-1001-six-emotions.mp4', 'two-people-grid.mp4', 'two-people-cremad-grid.mp4'];

const jetStream = await startJetStream();
const nc = await connect({ servers: jetStream.url });
const runtime = await AnalysisRuntime.open(DEFAULT_SETTINGS, { log: () => {} });
const metrics = new WorkerMetrics();
const worker = await StreamWorker.start(runtime, nc, { worker: 'bench', capacity: streams, leaseMs: 10_000, fps, mediaRoot: FIXTURES, metrics, log: () => {} });
const desired = await DesiredStreams.open(nc);
for (let i = 0; i < streams; i++) await desired.put({ id: `cam-${i}`, kind: 'file', path: join(FIXTURES, 'video', VIDEOS[i % VIDEOS.length]), loop: true });

/** Frames analysed and faces seen so far, from the worker's own metrics. */
async function counts(): Promise<{ frames: number; faces: number }> {
  const sum = async (name: string) => ((await metrics.registry.getSingleMetric(name)?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
  return { frames: await sum('mien_frames_analysed_total'), faces: await sum('mien_faces_detected_total') };
}
/** nats-server's CPU seconds so far (user + system), from /proc. */
function natsCpuSeconds(): number {
  const fields = readFileSync(`/proc/${jetStream.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
const eventLog = async () => (await (await jetstreamManager(nc)).streams.info(FLEET.eventStream)).state;

// Model sessions warm up and the streams all start before anything is counted.
await new Promise((r) => setTimeout(r, warmup * 1000));
const [c0, cpu0, nats0, log0] = [await counts(), process.cpuUsage(), natsCpuSeconds(), await eventLog()];
const t0 = performance.now();
await new Promise((r) => setTimeout(r, seconds * 1000));
const [c1, cpu1, nats1, log1] = [await counts(), process.cpuUsage(), natsCpuSeconds(), await eventLog()];
const wall = (performance.now() - t0) / 1000;

const frames = c1.frames - c0.frames, faces = c1.faces - c0.faces;
const cpu = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1e6;
const events = log1.messages - log0.messages, bytes = log1.bytes - log0.bytes;
const result = {
  streams, fps, seconds: wall,
  framesAnalysedPerSecond: frames / wall,
  facesPerSecond: faces / wall,
  workerCpuSecondsPerFrame: cpu / frames,
  workerCpuSecondsPerFace: cpu / faces,
  workerCoresBusy: cpu / wall,
  natsCpuSecondsPerEvent: (nats1 - nats0) / events,
  eventsPerFrame: events / frames,
  jetStreamBytesPerEvent: bytes / events,
};
console.log(JSON.stringify(result, null, 2));
await worker.close();
await nc.close();
await runtime.close();
await jetStream.stop();
