// `npm run bench -- roundtrip`: the !ping round trip (post through /_sim → the bot's reply in the
// simulator) over sequential pings, shardwire (`shardwire up` on embedded defaults) beside the same
// bot on discord.js, both in their own process against one simulator, pings interleaved.
// The simulator's rate limits are off: 1,000 sequential replies in one channel would otherwise
// measure Discord's 5-per-5-s message limit, identical for both, instead of the bots.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '@shardwire/simulator';
import { isCI, percentile, report } from '../lib/report.mjs';
import { observe } from './observer.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const PINGS = isCI ? 200 : 1000;
const WARMUP = 20;

const sim = await startSimulator({ port: 0, guilds: 0, rateLimits: false });
const control = async (method, path, body) => {
  const response = await fetch(`${sim.url}/_sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
const intents = ['MESSAGE_CONTENT', 'GUILD_MEMBERS'];
const djsBot = await control('POST', '/bots', { username: 'discordjs-bot', privilegedIntents: intents });
const watcher = await control('POST', '/bots', { username: 'observer', privilegedIntents: intents });
const channelOf = async (bot) => {
  const guild = await control('POST', '/guilds', {
    name: `roundtrip ${bot.username}`,
    bots: [bot.id, watcher.id],
  });
  return guild.channels.find((c) => c.type === 0).id;
};

const children = [];
function run(name, command, args, env, readyPattern) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk;
      if (readyPattern.test(output)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`)),
    );
  });
}

const contenders = {
  shardwire: {
    channel: await channelOf(sim.defaultBot),
    start: () =>
      run(
        'shardwire up',
        process.execPath,
        [join(root, 'packages/cli/bin/shardwire.js'), 'up', '--port', '0'],
        { DISCORD_TOKEN: sim.defaultBot.token, DISCORD_API_URL: `${sim.url}/api`, LOG_LEVEL: 'warn' },
        /shardwire is up/,
      ),
  },
  'discord.js': {
    channel: await channelOf(djsBot),
    start: () =>
      run(
        'discord.js bot',
        process.execPath,
        [join(here, 'discordjs-bot.mjs')],
        { DISCORD_TOKEN: djsBot.token, DISCORD_API_URL: `${sim.url}/api` },
        /^ready$/m,
      ),
  },
};

try {
  await Promise.all(Object.values(contenders).map((c) => c.start()));
  const observer = await observe(sim.gatewayUrl, watcher.token);
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  const ping = async (name) => {
    const started = performance.now();
    const posted = await control('POST', `/channels/${contenders[name].channel}/messages`, {
      content: '!ping',
    });
    await observer.replyTo(posted.id).catch((err) => {
      throw new Error(`${name}: ${err.message}`);
    });
    return performance.now() - started;
  };
  for (let i = 0; i < WARMUP; i++) for (const name of Object.keys(contenders)) await ping(name);
  // Interleaved, alternating who goes first, so a noisy moment hurts both alike.
  for (let i = 0; i < PINGS; i++) {
    const order = i % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse();
    for (const name of order) samples[name].push(await ping(name));
  }
  observer.close();
  const values = (p) =>
    Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, percentile(s, p)]));
  report('roundtrip', { pings: PINGS, warmup: WARMUP, sequential: true, simulatorRateLimits: false }, [
    { metric: 'ping_p50', unit: 'ms', better: 'lower', values: values(50) },
    { metric: 'ping_p99', unit: 'ms', better: 'lower', values: values(99) },
  ]);
} finally {
  for (const child of children) {
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
  }
  await sim.close();
}
