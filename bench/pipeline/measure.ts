/** Small measuring helpers for bench/pipeline.ts and its peer runner. */

/** The p-quantile (0..1) of `values` by the nearest-rank method; NaN when there are none. */
export function quantile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export interface Latency {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly samples: number;
}

export function latencyOf(ms: readonly number[]): Latency {
  return { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), p99: quantile(ms, 0.99), samples: ms.length };
}

/** What one measured phase cost the process. */
export interface PhaseCost {
  readonly seconds: number;
  /** CPU time of the whole process (every thread) over wall time: 2 means both cores busy. */
  readonly cpuCores: number;
  /** Highest resident set size seen during the phase (sampled every 50 ms, and at its end). */
  readonly peakRssMb: number;
}

/** Times `work`, with the process's CPU use and its peak RSS while it runs. */
export async function measure<T>(work: () => Promise<T>): Promise<{ result: T; cost: PhaseCost }> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, cost: { seconds, cpuCores: (used.user + used.system) / 1e6 / seconds, peakRssMb: peak / 2 ** 20 } };
  } finally {
    clearInterval(sampler);
  }
}

/** Right-aligned columns, the first left-aligned. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}
