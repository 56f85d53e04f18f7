/**
 * The binding waits for GStreamer on libuv threadpool threads: a running pipeline holds up to two
 * (one pulling frames, one polling the bus). libuv sizes its pool once, from UV_THREADPOOL_SIZE,
 * before Node's first file or DNS operation, so a process serving many streams must be started
 * with a bigger pool (docs/ingest.md).
 */
export const THREADS_PER_PIPELINE = 2;

const DEFAULT_POOL_SIZE = 4;

/** The threadpool size a process running this many pipelines at once needs, with room for Node's own work. */
export function threadpoolSizeFor(pipelines: number): number {
  return THREADS_PER_PIPELINE * pipelines + DEFAULT_POOL_SIZE;
}

const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || DEFAULT_POOL_SIZE;
let running = 0;
let warned = false;

/** GStreamer pipelines running now, in this process (a figure for metrics and leak checks). */
export function runningPipelines(): number {
  return running;
}

/** Counts a pipeline as running until the returned function is called; warns once when the pool is too small. */
export function holdThreads(): () => void {
  running += 1;
  if (!warned && running * THREADS_PER_PIPELINE >= poolSize) {
    warned = true;
    process.emitWarning(
      `${running} GStreamer pipelines can hold all ${poolSize} libuv threadpool threads, which stalls file I/O and other streams: ` +
        `start Node with UV_THREADPOOL_SIZE=${threadpoolSizeFor(running)} or more`,
      { code: 'MIEN_THREADPOOL' },
    );
  }
  let held = true;
  return () => {
    if (held) running -= 1;
    held = false;
  };
}
