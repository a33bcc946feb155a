// `npm run bench -- rest-proxy` (issue 8): shardwire's rest-proxy vs @discordjs/proxy vs a bare undici
// passthrough, against one local upstream that answers like Discord with limits that never bind.
// Throughput at saturation (`concurrency` requests in flight, spread over a few hot channels as a bot's
// traffic is, and again over many channels), and added latency (sequential requests: each target's
// p50/p99 minus direct calls' to the upstream), all interleaved round by round.
//
// Fairness on a small shared machine: every proxy runs in its own process pinned to the same core
// (BENCH_PIN=0 turns pinning off); the load generator and the upstream share the other core, so the
// proxy under test never competes with the traffic it serves. Each contender gets the same 64
// keep-alive connections and 64 requests in flight; short slices in many rounds, the order rotated
// every round, medians reported, so a busy moment of the machine hurts each side alike. The spread
// is reported too: each contender's slowest and fastest round, and shardwire's ratio to each other
// contender taken round by round (neighbouring slices share the machine's conditions), with the
// machine's load average before and after, since other work on the shared cores moves every figure.
// Every side gets the same warm-up, one whole unmeasured round, and every server keeps idle
// connections 65 s, so no slice starts by opening connections or optimising code.
// shardwire with its limits in Redis (REDIS_URL, default the local server; BENCH_REDIS=0: without)
// runs in the rounds too, reported apart (`throughput_redis`, `throughput_redis_many_channels`), never
// in the headline metrics.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isCI, percentile, report } from '../lib/report.mjs';
import { RawClient } from './rawClient.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// BENCH_UPSTREAM=simulator runs against packages/simulator (built) instead of the minimal upstream;
// the simulator's own cost then caps all three sides alike.
const useSimulator = process.env.BENCH_UPSTREAM === 'simulator';
const config = {
  upstream: useSimulator
    ? 'packages/simulator (child process)'
    : 'local Discord-like HTTP server (child process), limits that never bind',
  requests: isCI ? 2_000 : useSimulator ? 3_000 : 5_000,
  concurrency: 64,
  client: 'raw keep-alive HTTP/1.1 (bench/rest-proxy/rawClient.mjs), one request per connection at a time',
  upstreamConnections: 64,
  hotChannels: 16,
  manyChannels: 256,
  rounds: isCI ? 3 : 8,
  latencySamples: isCI ? 200 : 500,
  warmUp: 'one unmeasured round per side (both slices), the same for every side',
  serverKeepAliveMs: 65_000,
  pinned: pinCores(),
  loadAverageBefore: loadavg().map((l) => Number(l.toFixed(2))),
};
let TOKEN = 'Bot MTExMTExMTExMTExMTExMTEx.GAbCdE.benchmarkbenchmarkbenchmarkbenchmark12';
let simChannels;
const children = [];
const BEFORE = 'shardwire@before';
/** shardwire with its limits in Redis (REDIS_URL set): an extra metric, never in the headline ones. */
const REDIS = 'shardwire@redis';
const withRedis = process.env.BENCH_REDIS !== '0';
if (withRedis) process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
const extraSides = [BEFORE, REDIS];
const pids = new Map();

/** CPU time (ms) a child process has used so far: user + system, from /proc (Linux). */
function cpuMs(url) {
  try {
    const fields = readFileSync(`/proc/${pids.get(url)}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * With two cores or more and `taskset` at hand: this process (the load generator) and the upstream on
 * core 0, every proxy on core 1. Returns a description for the report, or false.
 */
function pinCores() {
  if (process.env.BENCH_PIN === '0' || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return 'load generator + upstream on cpu 0, each proxy on cpu 1 (taskset)';
  } catch {
    return false;
  }
}

async function start(role, upstream) {
  const args = [join(here, 'servers.mjs'), role, ...(upstream ? [upstream] : [])];
  const core = role === 'upstream' || role === 'simulator' ? '0' : '1';
  const child = config.pinned
    ? spawn('taskset', ['-c', core, process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    if (line.startsWith('SIM ')) {
      const sim = JSON.parse(line.slice(4));
      TOKEN = `Bot ${sim.token}`;
      simChannels = sim.channels;
    }
    if (line.startsWith('READY ')) {
      pids.set(line.slice(6), child.pid);
      return line.slice(6);
    }
  }
  throw new Error(`${role} exited before it was ready`);
}

const channelOf = (i, channels) =>
  simChannels ? simChannels[i % channels] : String(400000000000000000n + BigInt(i % channels));

async function send(client, lane, i, channels = config.hotChannels) {
  const request = client.post(
    `/api/v10/channels/${channelOf(i, channels)}/messages`,
    { authorization: TOKEN, 'content-type': 'application/json' },
    `{"content":"message ${i}"}`,
  );
  const status = await client.connections[lane].send(request);
  if (status !== 200) throw new Error(`status ${status}`);
}

async function throughput(client, requests, channels) {
  let next = 0;
  const started = performance.now();
  const lane = async (at) => {
    while (next < requests) await send(client, at, next++, channels);
  };
  await Promise.all(Array.from({ length: config.concurrency }, (_, at) => lane(at)));
  return requests / ((performance.now() - started) / 1000);
}

async function latencies(client, samples) {
  const out = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await send(client, 0, i);
    out.push(performance.now() - t);
  }
  return out;
}

try {
  const upstream = await start(useSimulator ? 'simulator' : 'upstream');
  const targets = {
    shardwire: await start('shardwire', upstream),
    '@discordjs/proxy': await start('discordjs', upstream),
    'limit:bare-passthrough': await start('bare', upstream),
    // BENCH_BEFORE=<absolute path of an earlier packages/rest/dist>: that build too, printed, not saved.
    ...(process.env.BENCH_BEFORE ? { [BEFORE]: await start('shardwire-before', upstream) } : {}),
    ...(withRedis ? { [REDIS]: await start('shardwire-redis', upstream) } : {}),
  };
  const pools = Object.fromEntries(
    [['direct', upstream], ...Object.entries(targets)].map(([name, url]) => [
      name,
      new RawClient(url, config.concurrency),
    ]),
  );
  // Warm-up, the same for every side: one whole unmeasured round (connections, learned buckets, JIT).
  // After the 2,000 requests each this used to be, every side still optimised ~80 functions during
  // its first measured slice (~30 % more CPU per request there: round 1 fell below the others).
  for (const pool of Object.values(pools)) {
    await throughput(pool, config.requests, config.hotChannels);
    await throughput(pool, config.requests, config.manyChannels);
  }

  const rates = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const ratesMany = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const cpuPerRequest = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const samples = Object.fromEntries(Object.keys(pools).map((name) => [name, []]));
  for (let round = 0; round < config.rounds; round++) {
    // Rotated every round (and reversed every other), so no contender always follows another.
    const names = Object.keys(targets);
    const order = names.map((_, i) => names[(i + round) % names.length]);
    if (round % 2 === 1) order.reverse();
    for (const name of order) {
      const cpuBefore = cpuMs(targets[name]);
      const hot = await throughput(pools[name], config.requests, config.hotChannels);
      const many = await throughput(pools[name], config.requests, config.manyChannels);
      cpuPerRequest[name].push(((cpuMs(targets[name]) - cpuBefore) * 1000) / (2 * config.requests));
      rates[name].push(hot);
      ratesMany[name].push(many);
      console.log(
        `round ${round + 1}: ${name.padEnd(24)} ${hot.toFixed(0)} req/s (${config.hotChannels} channels), ${many.toFixed(0)} req/s (${config.manyChannels})`,
      );
    }
    for (const name of ['direct', ...order])
      samples[name].push(...(await latencies(pools[name], config.latencySamples)));
  }
  const median = (values) => percentile(values, 50);
  const spreadOf = (perRound) =>
    Object.fromEntries(
      Object.entries(perRound).map(([n, v]) => [n, [Math.round(Math.min(...v)), Math.round(Math.max(...v))]]),
    );
  /** shardwire's figure over each other contender's, round by round: median, lowest, highest. */
  const ratios = (perRound) =>
    Object.fromEntries(
      names
        .filter((n) => n !== 'shardwire' && !extraSides.includes(n))
        .map((n) => {
          const each = perRound.shardwire.map((v, round) => v / perRound[n][round]);
          return [n, [median(each), Math.min(...each), Math.max(...each)].map((r) => Number(r.toFixed(3)))];
        }),
    );
  const direct50 = percentile(samples.direct, 50);
  const direct99 = percentile(samples.direct, 99);
  const names = Object.keys(targets);
  const spread = {
    throughput: spreadOf(rates),
    throughput_many_channels: spreadOf(ratesMany),
    cpu_per_request: spreadOf(cpuPerRequest),
  };
  const roundRatios = {
    throughput: ratios(rates),
    throughput_many_channels: ratios(ratesMany),
    cpu_per_request: ratios(cpuPerRequest),
  };
  const metrics = [
    {
      metric: 'throughput',
      unit: 'req/s',
      better: 'higher',
      values: Object.fromEntries(names.map((n) => [n, median(rates[n])])),
    },
    {
      metric: 'throughput_many_channels',
      unit: 'req/s',
      better: 'higher',
      values: Object.fromEntries(names.map((n) => [n, median(ratesMany[n])])),
    },
    {
      // The proxy process's own CPU per request at saturation: steadier than req/s on a shared machine.
      metric: 'cpu_per_request',
      unit: 'µs',
      better: 'lower',
      values: Object.fromEntries(names.map((n) => [n, median(cpuPerRequest[n])])),
    },
    {
      metric: 'added_latency_p50',
      unit: 'ms',
      better: 'lower',
      values: Object.fromEntries(names.map((n) => [n, percentile(samples[n], 50) - direct50])),
    },
    {
      metric: 'added_latency_p99',
      unit: 'ms',
      better: 'lower',
      values: Object.fromEntries(names.map((n) => [n, percentile(samples[n], 99) - direct99])),
    },
    {
      metric: 'latency_p50',
      unit: 'ms',
      better: 'lower',
      values: Object.fromEntries([
        ...names.map((n) => [n, percentile(samples[n], 50)]),
        ['limit:direct', direct50],
      ]),
    },
    {
      metric: 'latency_p99',
      unit: 'ms',
      better: 'lower',
      values: Object.fromEntries([
        ...names.map((n) => [n, percentile(samples[n], 99)]),
        ['limit:direct', direct99],
      ]),
    },
  ];
  if (BEFORE in targets) {
    console.log('before/after (same run):');
    for (const m of metrics) {
      const now = m.values.shardwire;
      console.log(
        `  ${m.metric.padEnd(26)} before ${m.values[BEFORE].toFixed(3)}  after ${now.toFixed(3)} ${m.unit}`,
      );
    }
  }
  for (const m of metrics) for (const extra of extraSides) delete m.values[extra];
  if (REDIS in targets) {
    // Its own rounds' median; the same rounds' other sides are in the headline metrics.
    metrics.push(
      {
        metric: 'throughput_redis',
        unit: 'req/s',
        better: 'higher',
        values: { shardwire: median(rates[REDIS]) },
        spread: { shardwire: spread.throughput[REDIS] },
      },
      {
        metric: 'throughput_redis_many_channels',
        unit: 'req/s',
        better: 'higher',
        values: { shardwire: median(ratesMany[REDIS]) },
        spread: { shardwire: spread.throughput_many_channels[REDIS] },
      },
    );
  }
  for (const m of metrics) {
    if (!(m.metric in spread)) continue;
    // Each contender's slowest and fastest round; shardwire's round-by-round ratio [median, min, max].
    m.spread = { ...spread[m.metric] };
    m.roundRatios = roundRatios[m.metric];
    for (const extra of extraSides) delete m.spread[extra];
    console.log(
      `${m.metric}: shardwire / other, per round [median, min, max]: ${JSON.stringify(m.roundRatios)}`,
    );
  }
  report(
    'rest-proxy',
    {
      ...config,
      loadAverageAfter: loadavg().map((l) => Number(l.toFixed(2))),
      ...(BEFORE in targets ? { before: process.env.BENCH_BEFORE } : {}),
    },
    metrics,
  );
  for (const client of Object.values(pools)) client.close();
} finally {
  for (const child of children) child.kill();
}
await Promise.all(children.filter((c) => c.exitCode === null).map((c) => once(c, 'exit')));
