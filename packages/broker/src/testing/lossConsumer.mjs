// A consumer process for the loss tests: consumes GROUP from BROKER_URL (built dist/), appends each
// handled message id to LOG before acking, and closes cleanly on SIGTERM. Killed with SIGKILL, it
// loses nothing: what it had not acked is delivered again. With ORDERED=1 it joins GROUP as an
// ordered group, writes `<pid> <id>` lines and takes up to HANDLE_MS (random) per message.
import { openSync, writeSync } from 'node:fs';
import { createBroker } from '../../dist/index.js';

const { BROKER_URL, GROUP, LOG, PREFETCH, ORDERED, HANDLE_MS } = process.env;
const ordered = ORDERED === '1';
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
  async (delivery) => {
    if (HANDLE_MS) await new Promise((resolve) => setTimeout(resolve, Math.random() * Number(HANDLE_MS)));
    writeSync(fd, ordered ? `${process.pid} ${delivery.messageId}\n` : `${delivery.messageId}\n`);
  },
  { prefetch: Number(PREFETCH ?? 100), ordered },
);
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  broker.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
