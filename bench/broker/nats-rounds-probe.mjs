// Investigation probe: the bench's NATS throughput rounds (same workload, 1,000 in flight), with
// what each round cost the client (CPU, GC) and the server (CPU, bytes written) and the stream's
// state before it, to find why shardwire's ratio to the raw client swings between runs.
// PROBE_SIDES: shardwire, raw (the bench's sides), rawTraces (raw on a connection with nats'
// default async traces), variant (the broker build in PROBE_VARIANT, a dist directory).
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createBroker } from '@shardwire/broker';
import { connect } from 'nats';
import { rawNats } from './raw.mjs';
import { publishWindowed } from './windowed.mjs';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const COUNT = Number(process.env.PROBE_COUNT ?? 30000);
const ROUNDS = Number(process.env.PROBE_ROUNDS ?? 6);
const WINDOW = 1000;

const serverPid = readdirSync('/proc').find((d) => {
  try {
    return /^\d+$/.test(d) && readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'nats-server';
  } catch {
    return false;
  }
});
/** The server's CPU time in ms (100 Hz ticks) and bytes written to disk. */
function server() {
  const stat = readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
  const written = /write_bytes: (\d+)/.exec(readFileSync(`/proc/${serverPid}/io`, 'utf8'))[1];
  return { cpuMs: (Number(stat[11]) + Number(stat[12])) * 10, written: Number(written) };
}

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

const body = Buffer.from(JSON.stringify({ id: 'e0', d: { content: 'x'.repeat(960) } })).toString();
const envelope = (i) => ({ id: `e${i}`, seq: i, d: { content: body.slice(0, 960) } });

const prefix = `probe${randomBytes(3).toString('hex')}`;
const nc = await connect({ servers: NATS_URL });
const jsm = await nc.jetstreamManager();
const closers = [];
let nextId = 0;

async function brokerSide(make, p) {
  const broker = await make(`${NATS_URL}?prefix=${p}`);
  await broker.declareGroup('bench', 'events.#');
  closers.push(async () => {
    await broker.close();
    for (const s of [`${p}_events`, `${p}_dead_letters`]) await jsm.streams.delete(s).catch(() => {});
  });
  const publish = (i) => broker.publish('events.MESSAGE_CREATE', envelope(i), { messageId: `e${nextId++}` });
  return { stream: `${p}_events`, publish };
}

async function rawSide(p, options) {
  const raw = await rawNats(NATS_URL, p, options);
  closers.push(() => raw.close());
  return {
    stream: `${p}_raw`,
    publish: (i) => raw.publish('events.MESSAGE_CREATE', Buffer.from(JSON.stringify(envelope(i)))),
  };
}

const makers = {
  shardwire: () => brokerSide(createBroker, prefix),
  raw: () => rawSide(prefix),
  rawTraces: () => rawSide(`${prefix}t`, { noAsyncTraces: false }),
  variant: async () => {
    const { createBroker: make } = await import(`${process.env.PROBE_VARIANT}/index.js`);
    return brokerSide(make, `${prefix}v`);
  },
};
const names = (process.env.PROBE_SIDES ?? 'shardwire,raw').split(',');
const sides = {};
for (const name of names) sides[name] = await makers[name]();

for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const side = sides[name];
    const before = (await jsm.streams.info(side.stream)).state;
    gcMs = 0;
    const client = process.cpuUsage();
    const s0 = server();
    const rate = await publishWindowed(side.publish, COUNT, WINDOW);
    const c = process.cpuUsage(client);
    const s1 = server();
    console.log(
      JSON.stringify({
        round,
        side: name,
        rate: Math.round(rate),
        clientUs: +((c.user + c.system) / COUNT).toFixed(1),
        gcMs: Math.round(gcMs),
        serverUs: +(((s1.cpuMs - s0.cpuMs) * 1000) / COUNT).toFixed(1),
        serverKB: Math.round((s1.written - s0.written) / 1024),
        streamBefore: `${before.messages} msgs, first ${before.first_seq}`,
        load: readFileSync('/proc/loadavg', 'utf8').split(' ')[0],
      }),
    );
    await jsm.streams.purge(side.stream);
  }
}
for (const close of closers) await close();
await nc.close();
