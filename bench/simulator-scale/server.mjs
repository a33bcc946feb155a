// The simulator process of the simulator-scale benchmark: populates GUILDS guilds (10 channels,
// 10 roles, 50 members each), then prints one JSON line with its URL, start-up time and memory.
// Members are drawn from a pool of GUILDS × 10 users, so each user is in about five guilds, as
// Discord's users are in several: 5,000,000 memberships over 1,000,000 users at full size.
import { startSimulator } from '@shardwire/simulator';

const guilds = Number(process.env.SCALE_GUILDS ?? 100_000);
const MEMBERS = 50;
// Stride between a guild's members in the pool: distinct while STRIDE × (MEMBERS - 1) < pool size.
const STRIDE = 7919;
const started = performance.now();
// SCALE_HISTORY: dispatches each connected session keeps for a RESUME from an older seq (the
// simulator's default, 10,000, keeps every load event of a 15 s run alive), for experiments.
const historyPerSession =
  process.env.SCALE_HISTORY === undefined ? undefined : Number(process.env.SCALE_HISTORY);
const sim = await startSimulator({ port: 0, guilds: 0, seed: 1, historyPerSession });
const pool = Array.from({ length: Math.max(guilds * 10, STRIDE * MEMBERS) }, () => sim.world.createUser());
for (let g = 0; g < guilds; g++) {
  const users = Array.from({ length: MEMBERS }, (_, j) => pool[(g * MEMBERS + j * STRIDE) % pool.length]);
  sim.world.createGuild({ channels: 10, roles: 10, users });
}
const startupMs = performance.now() - started;
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ url: sim.url, token: sim.defaultBot.token, botId: sim.defaultBot.id, startupMs, rss: memory.rss, heapUsed: memory.heapUsed, users: pool.length })}\n`,
);
process.on('message', () =>
  process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss, cpu: process.cpuUsage() })}\n`),
);
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
