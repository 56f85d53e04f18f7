import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROMTOOL = `${ROOT}.cache/bin/promtool`;

describe('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules, with the throughput, stream-down and latency alerts', () => {
    expect(existsSync(PROMTOOL), 'scripts/setup fetches promtool').toBe(true);
    const out = execFileSync(PROMTOOL, ['check', 'rules', `${ROOT}deploy/prometheus/alerts.yml`], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 4 rules found/);
    const text = readFileSync(`${ROOT}deploy/prometheus/alerts.yml`, 'utf8');
    for (const alert of ['MienThroughputDrop', 'MienStreamDown', 'MienLatencyRising']) expect(text).toContain(`alert: ${alert}`);
  });
});
