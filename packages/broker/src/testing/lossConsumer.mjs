// A consumer process for the loss tests: consumes GROUP from BROKER_URL (built dist/), appends each
// handled message id to LOG before acking, and closes cleanly on SIGTERM. Killed with SIGKILL, it
// loses nothing: what it had not acked is delivered again.
import { openSync, writeSync } from 'node:fs';
import { createBroker } from '../../dist/index.js';

const { BROKER_URL, GROUP, LOG, PREFETCH } = process.env;
const fd = openSync(LOG, 'a');
let broker;
try {
  broker = await createBroker(BROKER_URL);
} catch (error) {
  process.stderr.write(`loss consumer: ${error.message}\n`);
  process.exit(1);
}
await broker.consume(
  GROUP,
  'loss.#',
  (delivery) => {
    writeSync(fd, `${delivery.messageId}\n`);
  },
  { prefetch: Number(PREFETCH ?? 100) },
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  broker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
