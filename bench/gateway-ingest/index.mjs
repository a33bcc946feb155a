// gateway-ingest: events/s one core ingests from a gateway stream (receive, inflate, parse, cache,
// publish), shardwire vs discord.js receiving the same recorded simulator stream, and the raw floor.
//
// Each side runs in its own process, one after the other, in a rotated order each round; the
// figure kept is the median over the rounds. "On one core" is measured as events per CPU-second of
// the client process (every thread of it: zlib's thread pool and GC included), which does not
// depend on how much of the shared machine other work takes at that moment; wall-clock rates are
// reported beside it. With taskset and two cores, the replay server runs on cpu 0, clients on cpu 1.
//
// BENCH_BEFORE=<dir>: also runs the shardwire client of an earlier checkout (its packages built) in
// the same rounds, keyed "shardwire (before)", to measure a change under the same conditions.
import { execFileSync, fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI, report } from '../lib/report.mjs';
import { discordjsTransport as transportOfDiscordjs } from './discordjs-transport.mjs';
import { buildPayloads, recordStream } from './record.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const before = process.env.BENCH_BEFORE ? join(process.env.BENCH_BEFORE, 'bench/gateway-ingest') : undefined;
if (before && !existsSync(join(before, 'client-shardwire.mjs'))) throw new Error(`no client in ${before}`);

const pinning = (() => {
  if (cpus().length < 2) return undefined;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return { server: '0', client: '1' };
  } catch {
    return undefined;
  }
})();

// discord.js takes zlib-stream when the optional zlib-sync package loads (it does where it built).
const discordjsTransport = transportOfDiscordjs();

const config = {
  guilds: 100,
  templates: 500,
  events: isCI ? 50_000 : 200_000,
  rounds: isCI ? 1 : Number(process.env.BENCH_ROUNDS ?? 5),
  transport: 'local WebSocket',
  measure: 'events per CPU-second of the client process (all its threads); median of rounds',
  pinning: pinning ? 'replay server on cpu 0, each client on cpu 1 (taskset)' : 'none',
  streams: {
    shardwire:
      "zlib-stream (one zlib context, Z_SYNC_FLUSH per payload), inflated with node:zlib; READY and GUILD_CREATE parsed (the cache applies them), MESSAGE_CREATE's d published as JSON text (JsonText); a consumer of the memory broker group takes and acks every envelope, reading its type and guild (a handler routing it), not its d, so no d is parsed (timed to the last envelope it sees)",
    'shardwire (json)':
      'plain JSON text frames (compress unset), the stream discord.js gets; consumed as shardwire',
    'shardwire (d read)':
      "zlib-stream as shardwire, and the consumer also reads each envelope's d, so the broker parses (and freezes) every MESSAGE_CREATE's d for it",
    'shardwire (kept)':
      'zlib-stream as shardwire, no consumer: the group keeps every envelope, so the heap holds all 200,000 (a backlog no running bot keeps; the headline up to 2026-11-24)',
    'shardwire (not kept)':
      'zlib-stream as shardwire, but no group is bound: each envelope is dropped once the memory broker has taken it (with AMQP or NATS an envelope leaves the process once confirmed too, though those brokers also encode it, which this side does not)',
    'discord.js':
      discordjsTransport === 'zlib-stream'
        ? 'zlib-stream, the same bytes as shardwire: discord.js 14 (@discordjs/ws 1.x) asks for it when the optional native zlib-sync package loads, and inflates with it'
        : "plain JSON text frames: the optional zlib-sync package, discord.js 14's only zlib-stream decoder, did not build here, so it does not ask for compression",
    ...(discordjsTransport === 'zlib-stream'
      ? {
          'discord.js (json)':
            'plain JSON text frames: discord.js with zlib-sync made unloadable, as wherever it is not installed',
        }
      : {}),
    'limit:inflate+parse':
      'the same zlib-stream bytes inflated in one inflateSync, then JSON.parse of each payload',
  },
};

function start(script, args, { env = {}, core, nodeArgs = [] } = {}) {
  const options = {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, ...env },
    execArgv: nodeArgs,
  };
  if (core !== undefined) {
    options.execPath = 'taskset';
    options.execArgv = ['-c', core, process.execPath, ...nodeArgs];
  }
  return fork(script, args, options);
}

/** Runs one side to its end; `transport`: the one the side must have used (discord.js picks its own). */
function run(script, args, { transport, ...options } = {}) {
  return new Promise((resolve, reject) => {
    const child = start(script, args, { ...options, core: pinning?.client });
    let result;
    child.on('message', (message) => {
      result = message;
    });
    child.on('exit', (code) => {
      if (!result) reject(new Error(`${script} exited with ${code}`));
      else if (transport && result.transport !== transport)
        reject(new Error(`${script} used ${result.transport}, not ${transport}`));
      else resolve(result);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round0 = (n) => Math.round(n);

const dir = mkdtempSync(join(tmpdir(), 'gateway-ingest-'));
try {
  console.log(`recording ${config.guilds} guilds and ${config.templates} messages from the simulator…`);
  const recorded = await recordStream({ guilds: config.guilds, messages: config.templates });
  const payloads = buildPayloads(recorded, config.events);
  const file = join(dir, 'payloads.json');
  writeFileSync(file, JSON.stringify(payloads));
  const server = start(join(here, 'replay-server.mjs'), [file], { core: pinning?.server });
  const { port, bytes } = await new Promise((resolve) => server.once('message', resolve));
  config.zlibBytes = bytes;
  config.jsonBytes = payloads.reduce((n, p) => n + Buffer.byteLength(p), 0);
  const expected = payloads.length; // READY + GUILD_CREATEs + MESSAGE_CREATEs
  const clientArgs = [port, expected, recorded.guildCreates.length];
  const sides = {
    shardwire: () =>
      run(join(here, 'client-shardwire.mjs'), clientArgs, { env: { BENCH_CONSUMER: 'envelope' } }),
    'shardwire (json)': () =>
      run(join(here, 'client-shardwire.mjs'), clientArgs, {
        env: { BENCH_CONSUMER: 'envelope', BENCH_COMPRESSION: 'none' },
      }),
    'shardwire (d read)': () =>
      run(join(here, 'client-shardwire.mjs'), clientArgs, { env: { BENCH_CONSUMER: 'payload' } }),
    'shardwire (kept)': () => run(join(here, 'client-shardwire.mjs'), clientArgs),
    'shardwire (not kept)': () =>
      run(join(here, 'client-shardwire.mjs'), clientArgs, { env: { BENCH_KEEP: 'none' } }),
    'discord.js': () =>
      run(join(here, 'client-discordjs.mjs'), clientArgs, { transport: discordjsTransport }),
    ...(discordjsTransport === 'zlib-stream'
      ? {
          'discord.js (json)': () =>
            run(join(here, 'client-discordjs.mjs'), clientArgs, {
              transport: 'json',
              nodeArgs: ['--require', join(here, 'without-zlib-sync.cjs')],
            }),
        }
      : {}),
    'limit:inflate+parse': () => run(join(here, 'floor.mjs'), [file]),
  };
  if (before)
    sides['shardwire (before)'] = () =>
      run(join(before, 'client-shardwire.mjs'), clientArgs, { env: { BENCH_CONSUMER: 'envelope' } });
  const names = Object.keys(sides);
  const cpuRates = Object.fromEntries(names.map((n) => [n, []]));
  const wallRates = Object.fromEntries(names.map((n) => [n, []]));
  const faultsPer1k = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < config.rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    const line = [];
    for (const name of order) {
      const result = await sides[name]();
      if (result.guilds !== undefined && result.guilds !== config.guilds)
        throw new Error(`${name} cached ${result.guilds} of ${config.guilds} guilds`);
      // Every dispatch but READY belongs to a guild; a consumer must have read each one's guild.
      if (result.routed !== undefined && result.routed !== expected - 1)
        throw new Error(`${name}'s consumer read ${result.routed} of ${expected - 1} guild events`);
      cpuRates[name].push(result.eventsPerCpuSec);
      wallRates[name].push(result.eventsPerSec);
      faultsPer1k[name].push((1000 * result.pageFaults) / result.events);
      line.push(
        `${name} ${round0(result.eventsPerCpuSec)}/cpu-s (${round0(result.eventsPerSec)}/s wall, ${Math.round((100 * result.systemS) / result.cpuS)}% kernel, ${round0((1000 * result.pageFaults) / result.events)} faults/1k)`,
      );
    }
    console.log(`round ${round + 1}: ${line.join(', ')}`);
  }
  server.kill();

  // Start-up: 64 shards, max_concurrency 16, Discord's 5 s per bucket.
  const startupServer = start(join(here, 'replay-server.mjs'), [file, '64x16'], { core: pinning?.server });
  const startupPort = (await new Promise((resolve) => startupServer.once('message', resolve))).port;
  const startup = await run(join(here, 'client-startup.mjs'), [startupPort]);
  startupServer.kill();
  if (startup.shards !== 64) throw new Error(`start-up run brought up ${startup.shards} shards`);
  console.log(`start-up of 64 shards (max_concurrency 16): ${startup.seconds.toFixed(2)} s`);

  const medians = (rates) =>
    Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, round0(median(v))]));
  const values = medians(cpuRates);
  const wall = medians(wallRates);
  const pick = (all, keys) => Object.fromEntries(keys.map((k) => [k, all[k]]));
  const main = ['shardwire', 'discord.js', 'limit:inflate+parse'];
  const discordjsJson = discordjsTransport === 'json' ? 'discord.js' : 'discord.js (json)';
  const extra = names.filter((n) => !main.includes(n));
  report('gateway-ingest', config, [
    { metric: 'events_per_s', unit: 'events/cpu-s', better: 'higher', values: pick(values, main) },
    {
      metric: 'events_per_s_plain_json',
      unit: 'events/cpu-s',
      better: 'higher',
      values: { shardwire: values['shardwire (json)'], 'discord.js': values[discordjsJson] },
    },
    {
      metric: 'events_per_s_d_read',
      unit: 'events/cpu-s',
      better: 'higher',
      values: { shardwire: values['shardwire (d read)'], 'discord.js': values['discord.js'] },
    },
    {
      metric: 'events_per_s_kept',
      unit: 'events/cpu-s',
      better: 'higher',
      values: { shardwire: values['shardwire (kept)'], 'discord.js': values['discord.js'] },
    },
    {
      metric: 'events_per_s_not_kept',
      unit: 'events/cpu-s',
      better: 'higher',
      values: { shardwire: values['shardwire (not kept)'], 'discord.js': values['discord.js'] },
    },
    ...(extra.includes('shardwire (before)')
      ? [
          {
            metric: 'events_per_s_before_after',
            unit: 'events/cpu-s',
            better: 'higher',
            values: { shardwire: values.shardwire, 'shardwire (before)': values['shardwire (before)'] },
          },
        ]
      : []),
    { metric: 'events_per_s_wall', unit: 'events/s', better: 'higher', values: { ...wall } },
    {
      metric: 'page_faults_per_1k_events',
      unit: 'minor faults',
      better: 'lower',
      values: medians(faultsPer1k),
    },
    {
      metric: 'startup_64_shards_mc16',
      unit: 's',
      better: 'lower',
      values: { shardwire: startup.seconds, 'limit:ceil(64/16)x5s': Math.ceil(64 / 16) * 5 },
    },
  ]);
  const ratio = (a, b) => (values[a] / values[b]).toFixed(2);
  console.log(
    `shardwire / discord.js (${discordjsTransport}) = ${ratio('shardwire', 'discord.js')}x (goal 3x; plain JSON both: ${ratio('shardwire (json)', discordjsJson)}x); shardwire / floor = ${((100 * values.shardwire) / values['limit:inflate+parse']).toFixed(0)}% (goal 50%)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
