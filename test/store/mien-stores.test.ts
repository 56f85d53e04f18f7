import { describe, expect, it } from 'vitest';
import { InProcessEventBus } from '../../src/events/event-bus.js';
import type { FaceEvent, MienEvent } from '../../src/events/events.js';
import { EventRecorder } from '../../src/server/event-recorder.js';
import { MienStores } from '../../src/store/mien-stores.js';
import { scratchDir } from '../support/fixtures.js';

const at = (second: number) => new Date(Date.UTC(2026, 11, 3, 10, 0, second)).toISOString();
const face = (identity: number | null, second: number, tags?: string[]): FaceEvent => ({
  kind: 'face', stream: 'cam', pts: second, wallTime: at(second), identity, track: 1, box: [0, 0, 10, 10], accepted: true, reasons: [], sharpness: 5, yaw: 0, ...(tags && { tags }),
});

describe('MienStores', () => {
  it('keeps the writes of a transaction together: a failure in it leaves neither events nor counts', () => {
    const dir = scratchDir();
    const stores = MienStores.inDataDir(dir);
    expect(() =>
      stores.transaction(() => {
        stores.events.append([face(0, 1)]);
        stores.identities.recordFace(face(0, 1));
        throw new Error('the disk is full');
      }),
    ).toThrow('the disk is full');
    expect(stores.events.query().events).toEqual([]);
    expect(stores.identities.list()).toEqual([]);
    stores.close();
    // The same database, opened again, holds what a finished transaction wrote.
    const again = MienStores.inDataDir(dir);
    again.transaction(() => again.identities.recordFace(face(0, 2, ['smile'])));
    again.close();
    const third = MienStores.inDataDir(dir);
    expect(third.identities.get(0)).toMatchObject({ id: 0, faces: 1, accepted: 1 });
    third.close();
  });
});

describe('EventRecorder', () => {
  it('stores a frame\'s events with the people\'s counts they make, merges included, in their order', () => {
    const stores = MienStores.inDataDir(scratchDir());
    const bus = new InProcessEventBus();
    const recorder = new EventRecorder(bus, stores);
    const sent: MienEvent[] = [];
    recorder.stored.subscribe((event) => sent.push(event));
    const events: MienEvent[] = [
      face(0, 1, ['smile']),
      face(1, 1),
      face(1, 2),
      { kind: 'identity-merged', stream: 'cam', pts: 2, wallTime: at(2), identity: 0, merged: [1] },
      face(1, 3),
    ];
    for (const event of events) bus.publish(event);
    // Nothing is written until the task ends (one transaction), or a reader asks for it.
    expect(stores.identities.list()).toEqual([]);
    recorder.flush();
    expect(sent).toEqual(events);
    expect(stores.events.query({ limit: 10 }).events).toHaveLength(5);
    // Faces of 1, before and after it became 0, count as 0's; 1 leaves the list.
    expect(stores.identities.list()).toEqual([expect.objectContaining({ id: 0, faces: 4, accepted: 4 })]);
    recorder.close();
    stores.close();
  });

  it('keeps, counts and sends an event with an id once, however often it is delivered (a fleet\'s log after a crash)', () => {
    const dir = scratchDir();
    const delivered: MienEvent[] = [{ ...face(0, 1, ['smile']), id: 'cam:7:0' }, { ...face(0, 2), id: 'cam:7:1' }];
    const sent: MienEvent[] = [];
    for (let run = 0; run < 2; run++) {
      // A gateway that stored these, then died before acknowledging them, is given them again.
      const stores = MienStores.inDataDir(dir);
      const bus = new InProcessEventBus();
      const recorder = new EventRecorder(bus, stores);
      recorder.stored.subscribe((event) => sent.push(event));
      for (const event of [...delivered, ...(run === 1 ? [{ ...face(0, 3), id: 'cam:7:2' }] : [])]) bus.publish(event);
      recorder.close();
      stores.close();
    }
    const stores = MienStores.inDataDir(dir);
    expect(stores.events.query().events.map((e) => e.id)).toEqual(['cam:7:0', 'cam:7:1', 'cam:7:2']);
    expect(sent.map((e) => e.id)).toEqual(['cam:7:0', 'cam:7:1', 'cam:7:2']);
    expect(stores.identities.get(0)).toMatchObject({ faces: 3, accepted: 3 });
    stores.close();
  });
});
