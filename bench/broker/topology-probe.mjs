// Which part of shardwire's RabbitMQ topology costs publish throughput: raw amqplib publish-confirm
// (1 kB, persistent, 1,000 in flight, quorum queues) onto variants, one factor at a time,
// interleaved in rounds (order reversed every other round); prints medians against the first.
// `node bench/broker/topology-probe.mjs` under the bench lock; PROBE_ONLY=a,b  PROBE_ROUNDS  PROBE_COUNT.
// Finding (packages/broker/README.md): only the number of distinct routing keys matters; a channel
// caches the topic authorisation of its last 12 keys, and 16 partitions rotate past that cache.
import amqplib from 'amqplib';
import { probeRounds, probeSettings } from './probeRounds.mjs';

const URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const { COUNT, ROUNDS, WINDOW, prefix, body } = probeSettings();
const dlq = `${prefix}.dlq`;

const KEYS = Array.from({ length: 16 }, (_, i) => Buffer.from(`${i}.events.MESSAGE_CREATE`).toString());
const quorum = { 'x-queue-type': 'quorum' };
const dlx = { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': dlq };
// name -> { args, queues, bind(i), key(n), props(n) }
const plain = { bind: () => 'events.#', key: () => 'events.MESSAGE_CREATE', queues: 1 };
const partitioned = { bind: () => '*.events.#', key: (n) => `${n % 16}.events.MESSAGE_CREATE`, queues: 1 };
const variants = {
  baseline: { ...plain, args: quorum },
  dlx: { ...plain, args: { ...quorum, ...dlx } },
  messageId: { ...plain, args: quorum, props: (n) => ({ messageId: `e${n}` }) },
  header: { ...plain, args: quorum, props: () => ({ headers: { 'x-sw-pk': '123456789012345678' } }) },
  partitionKey: { ...partitioned, args: quorum },
  maxLenReject: { ...plain, args: { ...quorum, 'x-max-length': 10_000_000, 'x-overflow': 'reject-publish' } },
  ttl: { ...plain, args: { ...quorum, 'x-message-ttl': 3_600_000 } },
  sac: { ...plain, args: { ...quorum, 'x-single-active-consumer': true } },
  fanout2: { ...plain, args: quorum, queues: 2 },
  ordered16: {
    args: { ...quorum, ...dlx, 'x-single-active-consumer': true },
    queues: 16,
    bind: (i) => `${i}.events.#`,
    key: (n) => `${n % 16}.events.MESSAGE_CREATE`,
  },
  pkConstKey: { ...partitioned, args: quorum, key: () => '3.events.MESSAGE_CREATE' },
  pkBindHash: { ...partitioned, args: quorum, bind: () => '#' },
  pkBindLiteral: {
    args: quorum,
    queues: 1,
    bind: () => '3.events.MESSAGE_CREATE',
    key: () => '3.events.MESSAGE_CREATE',
  },
  threeWordsConst: {
    args: quorum,
    queues: 1,
    bind: () => 'x.events.#',
    key: () => 'x.events.MESSAGE_CREATE',
  },
  suffixKey: { ...plain, args: quorum, key: (n) => `events.MESSAGE_CREATE.${n % 16}` },
  pkPre16: { ...partitioned, args: quorum, key: (n) => KEYS[n % 16] },
  pkPre2: { ...partitioned, args: quorum, key: (n) => KEYS[n % 2] },
  keys12: { ...partitioned, args: quorum, key: (n) => KEYS[n % 12] },
  keys13: { ...partitioned, args: quorum, key: (n) => KEYS[n % 13] },
  // Published to a fanout exchange bound to the topic exchange: no per-key topic authorisation.
  viaFanout16: { ...partitioned, args: quorum, front: 'fanout', key: (n) => KEYS[n % 16] },
  // The same 16 keys split over 2 channels of one connection: 8 keys per channel's cache.
  twoChannels16: { ...partitioned, args: quorum, channels: 2, key: (n) => KEYS[n % 16] },
  twoChannels1: { ...partitioned, args: quorum, channels: 2, key: () => KEYS[3] },
  pkRun256: { ...partitioned, args: quorum, key: (n) => KEYS[(n >> 8) % 16] },
  shardwire: { ...partitioned, args: { ...quorum, ...dlx }, props: (n) => ({ messageId: `e${n}` }) },
};
const only = process.env.PROBE_ONLY?.split(',');
const names = Object.keys(variants).filter((n) => !only || only.includes(n));

const setupConn = await amqplib.connect(URL);
const setup = await setupConn.createChannel();
await setup.assertQueue(dlq, { durable: true, arguments: quorum });
const sides = {};
for (const name of names) {
  const v = variants[name];
  const exchange = `${prefix}.${name}`;
  await setup.assertExchange(exchange, 'topic', { durable: true });
  const queues = [];
  for (let i = 0; i < v.queues; i++) {
    const q = `${prefix}.${name}.q${i}`;
    await setup.assertQueue(q, { durable: true, arguments: v.args });
    await setup.bindQueue(q, exchange, v.bind(i));
    queues.push(q);
  }
  let target = exchange;
  if (v.front) {
    target = `${exchange}.front`;
    await setup.assertExchange(target, v.front, { durable: true });
    await setup.bindExchange(exchange, target, '');
  }
  const conn = await amqplib.connect(URL);
  const channels = [];
  for (let i = 0; i < (v.channels ?? 1); i++) channels.push(await conn.createConfirmChannel());
  sides[name] = { v, exchange, target, queues, conn, channels };
}

function publishAll({ v, target, channels }) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let confirmed = 0;
    const started = performance.now();
    const pump = () => {
      while (sent < COUNT && sent - confirmed < WINDOW) {
        const n = sent++;
        const props = { persistent: true, contentType: 'application/json', ...v.props?.(n) };
        // With several channels, each key stays on one channel (key index modulo channel count).
        const ch = channels[(n % 16) % channels.length];
        ch.publish(target, v.key(n), body, props, (err) => {
          if (err) return reject(err);
          if (++confirmed === COUNT) resolve(COUNT / ((performance.now() - started) / 1000));
          else pump();
        });
      }
    };
    pump();
  });
}

await probeRounds(
  names,
  ROUNDS,
  (name) => publishAll(sides[name]),
  async (name) => {
    for (const q of sides[name].queues) await setup.purgeQueue(q);
  },
);
for (const { exchange, target, queues, conn } of Object.values(sides)) {
  for (const q of queues) await setup.deleteQueue(q);
  if (target !== exchange) await setup.deleteExchange(target);
  await setup.deleteExchange(exchange);
  await conn.close();
}
await setup.deleteQueue(dlq);
await setupConn.close();
