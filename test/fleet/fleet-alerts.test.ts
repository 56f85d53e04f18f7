import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROMTOOL = `${ROOT}.cache/bin/promtool`;
const DEPLOY = `${ROOT}deploy/prometheus`;

describe('deploy/prometheus for a fleet', () => {
  it('has a valid scrape config loading both rule files, and alerts for a lost worker, one cut off from NATS, lost events, lost leases, a full fleet, unassigned streams, a gateway behind the log and one cut off', () => {
    expect(existsSync(PROMTOOL), 'scripts/setup fetches promtool').toBe(true);
    const out = execFileSync(PROMTOOL, ['check', 'config', 'prometheus-fleet.yml'], { cwd: DEPLOY, encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 2 rule files found/);
    expect(out).toMatch(/SUCCESS: 8 rules found/);
    const rules = readFileSync(`${DEPLOY}/fleet-alerts.yml`, 'utf8');
    for (const alert of ['MienWorkerDown', 'MienWorkerCutOffFromNats', 'MienWorkerEventsLost', 'MienWorkerLeasesLost', 'MienFleetFull', 'MienStreamsUnassigned', 'MienGatewayBehind', 'MienGatewayCutOffFromNats']) expect(rules).toContain(`alert: ${alert}`);
  });

  it('passes its unit tests (promtool test rules): each alert fires when it should, and not before', () => {
    // promtool exits non-zero on a failed test; execFileSync then throws with its output.
    expect(execFileSync(PROMTOOL, ['test', 'rules', 'fleet-alerts.test.yml'], { cwd: DEPLOY, encoding: 'utf8' })).toMatch(/SUCCESS/);
    const tests = readFileSync(`${DEPLOY}/fleet-alerts.test.yml`, 'utf8');
    for (const alert of ['MienWorkerDown', 'MienWorkerCutOffFromNats', 'MienWorkerEventsLost', 'MienWorkerLeasesLost', 'MienFleetFull', 'MienStreamsUnassigned', 'MienGatewayBehind', 'MienGatewayCutOffFromNats']) expect(tests).toContain(`alertname: ${alert}`);
  });
});
