// cache-memory: bytes per guild held by discord.js's client cache, shardwire's memory backend, shardwire's
// Redis backend (used_memory of a private redis-server) and the packed kept fields (the floor).
// Each side loads the same deterministic GUILD_CREATEs in its own fresh process; rounds alternate the order.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCI, report } from '../lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const env = (name, fallback) => Number(process.env[name] ?? fallback);
// Issue 9 asks for 10,000 guilds of 1,000 members; discord.js alone would need ~8 GB of heap for that on a
// machine shared with other work, so the default is 1,000 guilds (BENCH_GUILDS to change it).
const config = {
  guilds: env('BENCH_GUILDS', isCI ? 20 : 1000),
  members: env('BENCH_MEMBERS', 1000),
  channels: env('BENCH_CHANNELS', 50),
  roles: env('BENCH_ROLES', 30),
  rounds: env('BENCH_ROUNDS', isCI ? 1 : 2),
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startRedis() {
  const which = spawnSync('which', ['redis-server']);
  if (which.status !== 0) return undefined;
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {
      stdio: 'ignore',
    },
  );
  const { Redis } = await import('ioredis');
  const client = new Redis({ port, lazyConnect: true, retryStrategy: () => 50 });
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await client.quit();
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

function runSide(side, redisUrl) {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--max-old-space-size=12288', join(here, 'child.mjs'), side];
    args.push(String(config.guilds), String(config.members), String(config.channels), String(config.roles));
    if (redisUrl) args.push(redisUrl);
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${side} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').pop()).bytes);
    });
  });
}

const redis = await startRedis();
const sides = ['discord.js', 'shardwire', ...(redis ? ['shardwire:redis'] : []), 'limit:packed-fields'];
const samples = Object.fromEntries(sides.map((s) => [s, []]));
try {
  for (let round = 0; round < config.rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const bytes = await runSide(side, redis?.url);
      samples[side].push(bytes / config.guilds);
      console.log(
        `round ${round + 1}: ${side.padEnd(20)} ${(bytes / config.guilds / 1024).toFixed(1)} KiB/guild`,
      );
    }
  }
} finally {
  redis?.stop();
}
if (!redis) console.log('redis-server not found: shardwire:redis not measured');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const values = Object.fromEntries(sides.map((s) => [s, median(samples[s])]));
const ratio = values.shardwire / values['discord.js'];
report('cache-memory', config, [{ metric: 'bytes_per_guild', unit: 'B', better: 'lower', values }]);
console.log(`\nshardwire memory / discord.js = ${ratio.toFixed(3)} (goal <= 0.25)`);
