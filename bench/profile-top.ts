/**
 * The functions that took the most time on the main thread in a V8 CPU profile, by self time; with
 * --callers NAME, where NAME's self time was spent, by its nearest callers.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/pipeline.ts --clips crowd,one --no-peer --no-live --rounds 1
 *   npx tsx bench/profile-top.ts /tmp/prof [--top 15] [--callers warpAffine]
 *
 * Reads the largest .cpuprofile in the folder (the main thread's; tsx's loader thread writes a small one).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' }, callers: { type: 'string' } } });
if (positionals.length !== 1) throw new TypeError('give the folder --cpu-prof-dir wrote');
const [dir] = positionals;
const file = readdirSync(dir)
  .filter((f) => f.endsWith('.cpuprofile'))
  .map((f) => join(dir, f))
  .sort((a, b) => statSync(b).size - statSync(a).size)[0];
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + profile.timeDeltas[i]));

const name = (n: ProfileNode) => n.callFrame.functionName || '(anonymous)';
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
const tally = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = nodes.get(id)!;
  let key: string;
  if (values.callers) {
    if (name(node) !== values.callers) continue;
    const chain: string[] = [];
    for (let up = parent.get(id); up !== undefined && chain.length < 3; up = parent.get(up)) {
      if (name(nodes.get(up)!) !== values.callers) chain.push(name(nodes.get(up)!));
    }
    key = chain.join(' < ');
  } else {
    key = `${name(node)} ${node.callFrame.url.split('/').at(-1) ?? ''}:${node.callFrame.lineNumber + 1}`;
  }
  tally.set(key, (tally.get(key) ?? 0) + micros);
}
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
for (const [key, micros] of [...tally].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
  console.log(`${(micros / 1000).toFixed(0).padStart(8)} ms ${((100 * micros) / total).toFixed(1).padStart(5)}%  ${key}`);
}
