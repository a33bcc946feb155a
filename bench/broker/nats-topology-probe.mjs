// Which part of shardwire's JetStream topology costs publish throughput: raw nats publish-ack
// (1 kB, 1,000 in flight, file-backed interest stream) onto variants, one factor at a time,
// interleaved in rounds (order reversed every other round); prints medians against the first.
// `node bench/broker/nats-topology-probe.mjs` under the bench lock; PROBE_ONLY=a,b  PROBE_ROUNDS  PROBE_COUNT.
// Finding (packages/broker/README.md): none of it costs anything measurable (16 subjects, 3 durable
// consumers: 104-117 % of one subject and one consumer, within the noise); the NATS gap is client-side.
import { AckPolicy, connect, DeliverPolicy, RetentionPolicy, StorageType } from 'nats';
import { probeRounds, probeSettings } from './probeRounds.mjs';
import { publishWindowed } from './windowed.mjs';

const URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const { COUNT, ROUNDS, WINDOW, prefix, body } = probeSettings();

// name -> { subject(n), filters: durable consumers' filter subjects (relative to the stream's prefix) }
const one = () => 'ev.0.events.MESSAGE_CREATE';
const sixteen = (n) => `ev.${n % 16}.events.MESSAGE_CREATE`;
const variants = {
  baseline: { subject: one, filters: ['ev.*.events.>'] },
  keys16: { subject: sixteen, filters: ['ev.*.events.>'] },
  // What shardwire declares for a group bound to `events.#`: `#` as `>` and as nothing, and its replays.
  consumers3: { subject: one, filters: ['ev.*.events.>', 'ev.*.events', 'rp.bench.>'] },
  consumers2: { subject: one, filters: ['ev.*.events.>', 'ev.*.events'] },
  shardwire: { subject: sixteen, filters: ['ev.*.events.>', 'ev.*.events', 'rp.bench.>'] },
};
const only = process.env.PROBE_ONLY?.split(',');
const names = Object.keys(variants).filter((n) => !only || only.includes(n));

const nc = await connect({ servers: URL });
const jsm = await nc.jetstreamManager();
const js = nc.jetstream();
const sides = {};
for (const name of names) {
  const stream = `${prefix}_${name}`;
  const root = `${prefix}.${name}`;
  await jsm.streams.add({
    name: stream,
    subjects: [`${root}.>`],
    storage: StorageType.File,
    retention: RetentionPolicy.Interest,
    duplicate_window: 120_000_000_000,
  });
  for (const [i, filter] of variants[name].filters.entries())
    await jsm.consumers.add(stream, {
      durable_name: `c${i}`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: `${root}.${filter}`,
    });
  sides[name] = { stream, root, subject: variants[name].subject };
}

let id = 0;
function publishAll({ root, subject }) {
  return publishWindowed(
    (n) => js.publish(`${root}.${subject(n)}`, body, { msgID: `m${id++}` }),
    COUNT,
    WINDOW,
  );
}

await probeRounds(
  names,
  ROUNDS,
  (name) => publishAll(sides[name]),
  (name) => jsm.streams.purge(sides[name].stream),
);
for (const { stream } of Object.values(sides)) await jsm.streams.delete(stream);
await nc.close();
