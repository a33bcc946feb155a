// Manual check of the nats-server shutdown gap (not part of the suite: it restarts the shared NATS
// at 127.0.0.1:4222, like the loss test). Publishes 8,000 envelopes through NatsBroker (built dist/)
// while nats-server is stopped with SIGTERM and started again, then counts confirmed envelopes that
// no handler ever saw (0 with the resend; 20-80 in 3 of 5 runs under CPU load with
// NatsPublisher.connectionLost() made to return at once). `node src/testing/natsShutdownGap.mjs`
import { execFile, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../../../package.json', import.meta.url));
const { connect } = require('nats');
const { NatsBroker } = await import('../../dist/nats/NatsBroker.js');
const ARGS = [
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
];
const prefix = `fix${Date.now().toString(36)}`;
const broker = await NatsBroker.connect(`nats://127.0.0.1:4222?prefix=${prefix}`);
const handled = new Set();
await broker.consume(
  'g',
  'x',
  (d) => {
    handled.add(d.messageId);
  },
  { prefetch: 50 },
);
const confirmed = new Set();
const pubs = [];
for (let i = 0; i < 8000; i++) {
  if (i === 3000) {
    execFile(
      'start-stop-daemon',
      ['--stop', '--oknodo', '--retry', 'TERM/30/KILL/5', '--exec', '/usr/sbin/nats-server'],
      () => {
        execFileSync('start-stop-daemon', [
          '--start',
          '--oknodo',
          '--background',
          '--exec',
          '/usr/sbin/nats-server',
          '--',
          ...ARGS,
        ]);
      },
    );
  }
  pubs.push(broker.publish('x', { i }, { messageId: `m${i}` }).then(() => confirmed.add(`m${i}`)));
  if (pubs.length % 20 === 0) await new Promise((r) => setTimeout(r, 1));
}
await Promise.all(pubs);
const deadline = Date.now() + 40000;
while ([...confirmed].some((id) => !handled.has(id)) && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 250));
const missing = [...confirmed].filter((id) => !handled.has(id));
console.log(
  JSON.stringify({
    confirmed: confirmed.size,
    handled: handled.size,
    missing: missing.length,
    sample: missing.slice(0, 5),
  }),
);
await broker.close();
const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
const jsm = await nc.jetstreamManager();
for (const s of [`${prefix}_events`, `${prefix}_dead_letters`]) await jsm.streams.delete(s).catch(() => {});
await nc.close();
