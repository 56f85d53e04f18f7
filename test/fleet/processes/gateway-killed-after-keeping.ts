/**
 * A gateway's projection that dies (SIGKILL, as `kill -9` would) right after it kept its first
 * read of the event log and before it acknowledged any of it: what a crash at the worst moment
 * leaves behind. Run by test/fleet/event-projection.test.ts.
 *
 *   tsx gateway-killed-after-keeping.ts NATS_URL DATA_DIR
 */
import { connect } from '@nats-io/transport-node';
import { InProcessEventBus } from '../../../src/events/event-bus.js';
import { EventProjection } from '../../../src/fleet/event-projection.js';
import { EventRecorder } from '../../../src/server/event-recorder.js';
import { MienStores } from '../../../src/store/mien-stores.js';

const [url, dataDir] = process.argv.slice(2);
const stores = MienStores.inDataDir(dataDir);
const bus = new InProcessEventBus();
const recorder = new EventRecorder(bus, stores);
await EventProjection.start(
  await connect({ servers: url }),
  {
    take: (event) => bus.publish(event),
    keep: () => {
      recorder.flush();
      process.kill(process.pid, 'SIGKILL');
    },
  },
  { durable: 'gateway-a', redeliverAfterMs: 1_000, log: () => {} },
);
