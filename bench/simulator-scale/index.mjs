// `npm run bench -- simulator-scale`: the simulator at Discord scale. One process holds 100,000
// guilds (10 channels, 10 roles, 50 members each); a second process connects 1,000 shards; then
// `/_sim/load` dispatches a steady stream over every guild and shard. Reports start-up time, RSS,
// shard connect time and the events per second the shards received. CI: 5,000 guilds, 50 shards.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SIMULATOR_NODE_FLAGS } from '@shardwire/simulator';
import { isCI, report } from '../lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const GUILDS = Number(process.env.SCALE_GUILDS ?? (isCI ? 5_000 : 100_000));
const SHARDS = Number(process.env.SCALE_SHARDS ?? (isCI ? 50 : 1_000));
const RATE = Number(process.env.SCALE_RATE ?? (isCI ? 20_000 : 60_000));
const SECONDS = Number(process.env.SCALE_SECONDS ?? (isCI ? 5 : 15));

const server = fork(join(here, 'server.mjs'), [], {
  env: { ...process.env, SCALE_GUILDS: String(GUILDS) },
  // The flags `shardwire simulator` runs with (a 256 MiB young generation), and no others.
  execArgv: [
    ...SIMULATOR_NODE_FLAGS,
    // Extra V8 flags for the simulator process (e.g. `--max-semi-space-size=64`), for experiments.
    ...(process.env.SCALE_NODE_FLAGS ? process.env.SCALE_NODE_FLAGS.split(' ') : []),
    ...(process.env.SCALE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SCALE_PROFILE}`] : []),
  ],
  stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
});
const lines = createInterface({ input: server.stdout });
const nextLine = async () => JSON.parse((await once(lines, 'line'))[0]);
const boot = await nextLine();
console.log(
  `${GUILDS} guilds in ${(boot.startupMs / 1000).toFixed(1)} s, RSS ${(boot.rss / 2 ** 20).toFixed(0)} MiB, heap ${(boot.heapUsed / 2 ** 20).toFixed(0)} MiB`,
);

const control = async (method, path, body) => {
  const response = await fetch(`${boot.url}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
};
// A bot at this size has a large max_concurrency; 1,000 buckets lets every shard IDENTIFY at once.
await control('PATCH', `/bots/${boot.botId}`, { maxConcurrency: SHARDS });

const shards = fork(join(here, 'shards.mjs'), [], {
  env: {
    ...process.env,
    SCALE_URL: boot.url.replace(/^http/, 'ws'),
    SCALE_TOKEN: boot.token,
    SCALE_SHARDS: String(SHARDS),
  },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const fromShards = async (type) => {
  for (;;) {
    const [message] = await once(shards, 'message');
    if (message.type === type) return message;
  }
};
const ready = await fromShards('ready');
console.log(`${ready.shards} shards ready in ${(ready.connectMs / 1000).toFixed(1)} s`);

let lastAt = 0;
let clientCpu;
const countNow = async () => {
  shards.send('count');
  const count = await fromShards('count');
  lastAt = count.lastAt;
  clientCpu = count.cpu;
  return count.dispatches;
};
const serverUsage = async () => {
  server.send('usage');
  return nextLine();
};
/** CPU seconds (user + system) between two `process.cpuUsage()` readings. */
const cpuSeconds = (from, to) => (to.user + to.system - from.user - from.system) / 1e6;
const before = await countNow();
const clientCpuBefore = clientCpu;
const { cpu: serverCpuBefore } = await serverUsage();
const t0 = performance.now();
const wallStart = Date.now();
await control('POST', '/load', { eventsPerSecond: RATE, seconds: SECONDS });
let status;
do {
  await new Promise((resolve) => setTimeout(resolve, 500));
  status = await control('GET', '/load');
} while (status.running);
// Let what was sent arrive.
let received = await countNow();
for (let stable = 0; stable < 3; ) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const now = await countNow();
  stable = now === received ? stable + 1 : 0;
  received = now;
}
const elapsedS = (performance.now() - t0) / 1000;
const { rss: loadRss, cpu: serverCpuAfter } = await serverUsage();
// Each process's CPU from the load's start to the end of the drain, as a share of one core
// (the machine has 2; the simulator's event loop can use at most one).
const serverCpuShare = cpuSeconds(serverCpuBefore, serverCpuAfter) / elapsedS;
const clientCpuShare = cpuSeconds(clientCpuBefore, clientCpu) / elapsedS;
const stats = await control('GET', '/stats');
const dispatched = stats.perShard.reduce((sum, row) => sum + row.dispatched, 0);

shards.send('close');
server.kill('SIGTERM');
await Promise.all([once(shards, 'exit'), once(server, 'exit')]);

const receivedEvents = received - before;
// From the load's start to the last event received: the rate the shards actually got.
const deliverySeconds = (lastAt - wallStart) / 1000;
report(
  'simulator-scale',
  {
    guilds: GUILDS,
    shards: SHARDS,
    eventsPerSecondAsked: RATE,
    seconds: SECONDS,
    channels: 10,
    roles: 10,
    members: 50,
  },
  [
    {
      metric: 'start-up (populate guilds)',
      unit: 's',
      better: 'lower',
      values: { shardwire: boot.startupMs / 1000 },
    },
    { metric: 'RSS after start-up', unit: 'MiB', better: 'lower', values: { shardwire: boot.rss / 2 ** 20 } },
    { metric: 'RSS under load', unit: 'MiB', better: 'lower', values: { shardwire: loadRss / 2 ** 20 } },
    {
      metric: 'shards connected and ready',
      unit: 's',
      better: 'lower',
      values: { shardwire: ready.connectMs / 1000 },
    },
    {
      metric: 'events generated per second',
      unit: 'events/s',
      better: 'higher',
      values: { shardwire: status.generated / (status.elapsedMs / 1000) },
    },
    {
      metric: 'events received per second by the shards',
      unit: 'events/s',
      better: 'higher',
      values: { shardwire: receivedEvents / deliverySeconds },
    },
    {
      metric: 'simulator CPU under load (share of one core)',
      unit: '%',
      better: 'lower',
      values: { shardwire: serverCpuShare * 100 },
    },
    {
      metric: 'client CPU under load (share of one core)',
      unit: '%',
      better: 'lower',
      values: { shardwire: clientCpuShare * 100 },
    },
  ],
);
console.log(
  `generated ${status.generated} in ${(status.elapsedMs / 1000).toFixed(1)} s, dispatched ${dispatched} (all sessions, incl. start-up), received ${receivedEvents}, the last ${deliverySeconds.toFixed(1)} s after the start (${elapsedS.toFixed(1)} s with the drain)`,
);
