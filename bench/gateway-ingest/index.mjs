// gateway-ingest: events/s one core ingests from a gateway stream (receive, inflate, parse, cache,
// publish), shardwire vs discord.js receiving the same recorded simulator stream, and the raw floor.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI, report } from '../lib/report.mjs';
import { buildPayloads, recordStream } from './record.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const config = {
  guilds: 100,
  templates: 500,
  events: isCI ? 50_000 : 200_000,
  rounds: isCI ? 1 : 3,
  transport: 'local WebSocket',
};

function run(script, args) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result;
    child.on('message', (message) => {
      result = message;
    });
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'gateway-ingest-'));
try {
  console.log(`recording ${config.guilds} guilds and ${config.templates} messages from the simulator…`);
  const recorded = await recordStream({ guilds: config.guilds, messages: config.templates });
  const payloads = buildPayloads(recorded, config.events);
  const file = join(dir, 'payloads.json');
  writeFileSync(file, JSON.stringify(payloads));
  const server = fork(join(here, 'replay-server.mjs'), [file], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, bytes } = await new Promise((resolve) => server.once('message', resolve));
  config.zlibBytes = bytes;
  const expected = payloads.length; // READY + GUILD_CREATEs + MESSAGE_CREATEs
  const results = { shardwire: [], 'discord.js': [], 'limit:inflate+parse': [] };
  for (let round = 0; round < config.rounds; round++) {
    const sw = await run('client-shardwire.mjs', [port, expected]);
    const djs = await run('client-discordjs.mjs', [port, expected, recorded.guildCreates.length]);
    const floor = await run('floor.mjs', [file]);
    if (sw.guilds !== config.guilds || djs.guilds !== config.guilds)
      throw new Error('a client missed guilds');
    console.log(
      `round ${round + 1}: shardwire ${Math.round(sw.eventsPerSec)}/s, discord.js ${Math.round(djs.eventsPerSec)}/s, floor ${Math.round(floor.eventsPerSec)}/s`,
    );
    results.shardwire.push(sw.eventsPerSec);
    results['discord.js'].push(djs.eventsPerSec);
    results['limit:inflate+parse'].push(floor.eventsPerSec);
  }
  server.kill();

  // Start-up: 64 shards, max_concurrency 16, Discord's 5 s per bucket.
  const startupServer = fork(join(here, 'replay-server.mjs'), [file, '64x16'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const startupPort = (await new Promise((resolve) => startupServer.once('message', resolve))).port;
  const startup = await run('client-startup.mjs', [startupPort]);
  startupServer.kill();
  if (startup.shards !== 64) throw new Error(`start-up run brought up ${startup.shards} shards`);
  console.log(`start-up of 64 shards (max_concurrency 16): ${startup.seconds.toFixed(2)} s`);
  const values = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, median(v)]));
  report('gateway-ingest', config, [
    { metric: 'events_per_s', unit: 'events/s', better: 'higher', values },
    {
      metric: 'startup_64_shards_mc16',
      unit: 's',
      better: 'lower',
      values: { shardwire: startup.seconds, 'limit:ceil(64/16)x5s': Math.ceil(64 / 16) * 5 },
    },
  ]);
  console.log(
    `shardwire / discord.js = ${(values.shardwire / values['discord.js']).toFixed(2)}x (goal 3x); shardwire / floor = ${((100 * values.shardwire) / values['limit:inflate+parse']).toFixed(0)}% (goal 50%)`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
