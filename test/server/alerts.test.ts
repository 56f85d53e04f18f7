import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROMTOOL = `${ROOT}.cache/bin/promtool`;

describe('deploy/prometheus/alerts.yml', () => {
  it('passes promtool check rules, with every alert a desk needs', () => {
    expect(existsSync(PROMTOOL), 'scripts/setup fetches promtool').toBe(true);
    const out = execFileSync(PROMTOOL, ['check', 'rules', `${ROOT}deploy/prometheus/alerts.yml`], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 7 rules found/);
    const text = readFileSync(`${ROOT}deploy/prometheus/alerts.yml`, 'utf8');
    for (const alert of ['MienStreamDown', 'MienNoStreams', 'MienThroughputBelowTarget', 'MienThroughputDrop', 'MienNoAnalysis', 'MienAnalysisStopped', 'MienLatencyRising']) {
      expect(text).toContain(`alert: ${alert}`);
    }
  });

  it('passes its unit tests (promtool test rules): stream down, no stream at all, below the configured rate, analysis stopped, latency rising', () => {
    // promtool exits non-zero on a failed test; execFileSync then throws with its output.
    const out = execFileSync(PROMTOOL, ['test', 'rules', 'alerts.test.yml'], { cwd: `${ROOT}deploy/prometheus`, encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS/);
    const tests = readFileSync(`${ROOT}deploy/prometheus/alerts.test.yml`, 'utf8');
    for (const alert of ['MienStreamDown', 'MienNoStreams', 'MienThroughputBelowTarget', 'MienAnalysisStopped', 'MienLatencyRising']) expect(tests).toContain(`alertname: ${alert}`);
  });
});
