import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mien } from '../support/cli.js';
import { startJetStream, type JetStreamServer } from '../support/jetstream.js';

let plainNats: JetStreamServer;
beforeAll(async () => {
  plainNats = await startJetStream({ jetStream: false });
});
afterAll(async () => {
  await plainNats.stop();
});

describe('mien worker', () => {
  it('needs --nats, and says so with its usage', () => {
    const run = mien('worker');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--nats URL is needed');
    expect(run.stderr).toContain('Usage: mien worker');
  });

  it('exits with a clear error where NATS is unreachable, or runs without JetStream, instead of hanging', () => {
    const unreachable = mien('worker', '--nats', 'nats://127.0.0.1:1', '--status-port', '0');
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach NATS at nats://127.0.0.1:1');
    const withoutJetStream = mien('worker', '--nats', plainNats.url, '--status-port', '0');
    expect(withoutJetStream.status).toBe(1);
    expect(withoutJetStream.stderr).toContain('a fleet needs nats-server with JetStream: -js');
  });
});
