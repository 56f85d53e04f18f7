import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MienEvent } from '../src/api/api-types.js';
import { EventSocket } from '../src/api/event-socket.js';
import { face } from './builders.js';
import { createFakeSocket, FakeSocket } from './fake-socket.js';

/** A frame scheduler the test runs by hand. */
function manualFrames() {
  const waiting: (() => void)[] = [];
  return { schedule: (callback: () => void) => void waiting.push(callback), runFrame: () => waiting.splice(0).forEach((run) => run()), get pending() { return waiting.length; } };
}

describe('EventSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('subscribes to everything once open, and hands a burst of events over as one batch per frame', () => {
    const frames = manualFrames();
    const batches: (readonly MienEvent[])[] = [];
    const onLive = vi.fn();
    const socket = new EventSocket({ url: () => 'ws://mien/events', onEvents: (events) => batches.push(events), onLive, createSocket: createFakeSocket, schedule: frames.schedule });
    socket.start();
    const server = FakeSocket.latest;
    server.accept();
    expect(server.sent.map((m) => JSON.parse(m))).toEqual([{ type: 'subscribe' }]);
    server.message({ type: 'subscribed', filter: {} });
    expect(onLive).toHaveBeenCalledOnce();
    expect(socket.live).toBe(true);

    for (let i = 0; i < 1000; i++) server.message({ type: 'event', event: face(0, i / 100) });
    expect(frames.pending).toBe(1);
    frames.runFrame();
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(1000);
    expect(batches[0][999].pts).toBe(9.99);
  });

  it('tells how many events the server dropped, and ignores what it cannot read', () => {
    const onDropped = vi.fn();
    const onEvents = vi.fn();
    const socket = new EventSocket({ url: () => 'ws://mien/events', onEvents, onDropped, createSocket: createFakeSocket, schedule: (run) => run() });
    socket.start();
    FakeSocket.latest.accept();
    FakeSocket.latest.message({ type: 'dropped', count: 17 });
    FakeSocket.latest.dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    expect(onDropped).toHaveBeenCalledWith(17);
    expect(onEvents).not.toHaveBeenCalled();
  });

  it('reconnects with a fresh address after a growing pause, back to the shortest once it got in', () => {
    let token = 'old';
    const onClose = vi.fn();
    const socket = new EventSocket({ url: () => `ws://mien/events?token=${token}`, onEvents: () => {}, onClose, createSocket: createFakeSocket });
    socket.start();
    FakeSocket.latest.serverClosed();
    expect(onClose).toHaveBeenLastCalledWith(false, 500);
    token = 'new';
    vi.advanceTimersByTime(499);
    expect(FakeSocket.made).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.latest.url).toBe('ws://mien/events?token=new');
    FakeSocket.latest.serverClosed();
    expect(onClose).toHaveBeenLastCalledWith(false, 1000);
    vi.advanceTimersByTime(1000);
    FakeSocket.latest.accept();
    FakeSocket.latest.serverClosed();
    expect(onClose).toHaveBeenLastCalledWith(true, 500);
    expect(socket.live).toBe(false);
  });

  it('stops for good when told, closing its socket', () => {
    const socket = new EventSocket({ url: () => 'ws://mien/events', onEvents: () => {}, createSocket: createFakeSocket });
    socket.start();
    const first = FakeSocket.latest;
    first.accept();
    socket.stop();
    socket.stop();
    expect(first.readyState).toBe(first.CLOSED);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.made).toHaveLength(1);
  });
});
