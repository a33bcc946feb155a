// `npm run bench -- rest-proxy` (issue 8): shardwire's rest-proxy vs @discordjs/proxy vs a bare undici
// passthrough, against one local upstream that answers like Discord with limits that never bind.
// Throughput at saturation (`concurrency` requests in flight, spread over a few hot channels as a bot's
// traffic is, and again over many channels), and added latency (sequential requests: each target's
// p50/p99 minus direct calls' to the upstream), all interleaved round by round.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Pool } from '../../packages/rest/node_modules/undici/index.js';
import { isCI, percentile, report } from '../lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
// BENCH_UPSTREAM=simulator runs against packages/simulator (built) instead of the minimal upstream;
// the simulator's own cost then caps all three sides alike.
const useSimulator = process.env.BENCH_UPSTREAM === 'simulator';
const config = {
  upstream: useSimulator
    ? 'packages/simulator (child process)'
    : 'local Discord-like HTTP server (child process), limits that never bind',
  requests: isCI ? 3_000 : useSimulator ? 5_000 : 20_000,
  concurrency: 64,
  hotChannels: 16,
  manyChannels: 256,
  rounds: 5,
  latencySamples: isCI ? 300 : 1_500,
};
let TOKEN = 'Bot MTExMTExMTExMTExMTExMTEx.GAbCdE.benchmarkbenchmarkbenchmarkbenchmark12';
let simChannels;
const children = [];
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

async function start(role, upstream) {
  const child = spawn(process.execPath, [join(here, 'servers.mjs'), role, ...(upstream ? [upstream] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
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

function send(pool, i, channels = config.hotChannels) {
  return pool
    .request({
      path: `/api/v10/channels/${channelOf(i, channels)}/messages`,
      method: 'POST',
      headers: { authorization: TOKEN, 'content-type': 'application/json' },
      body: `{"content":"message ${i}"}`,
    })
    .then(async (answer) => {
      await answer.body.dump();
      if (answer.statusCode !== 200) throw new Error(`status ${answer.statusCode}`);
    });
}

async function throughput(pool, requests, channels) {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < requests) await send(pool, next++, channels);
  };
  await Promise.all(Array.from({ length: config.concurrency }, lane));
  return requests / ((performance.now() - started) / 1000);
}

async function latencies(pool, samples) {
  const out = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await send(pool, i);
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
  };
  const pools = Object.fromEntries(
    [['direct', upstream], ...Object.entries(targets)].map(([name, url]) => [
      name,
      new Pool(url, { connections: config.concurrency, keepAliveTimeout: 30_000 }),
    ]),
  );
  // Warm-up: connections, JIT, learned buckets.
  for (const pool of Object.values(pools)) await throughput(pool, 2_000, config.manyChannels);

  const rates = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const ratesMany = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const cpuPerRequest = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const samples = Object.fromEntries(Object.keys(pools).map((name) => [name, []]));
  for (let round = 0; round < config.rounds; round++) {
    const order = Object.keys(targets);
    if (round % 2 === 1) order.reverse(); // a noisy moment hurts each side alike
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
  const direct50 = percentile(samples.direct, 50);
  const direct99 = percentile(samples.direct, 99);
  const names = Object.keys(targets);
  report('rest-proxy', config, [
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
  ]);
  await Promise.all(Object.values(pools).map((pool) => pool.close()));
} finally {
  for (const child of children) child.kill();
}
await Promise.all(children.filter((c) => c.exitCode === null).map((c) => once(c, 'exit')));
