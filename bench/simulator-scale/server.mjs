// The simulator process of the simulator-scale benchmark: populates GUILDS guilds (10 channels,
// 10 roles, 50 members each), then prints one JSON line with its URL, start-up time and memory.
import { startSimulator } from '@shardwire/simulator';

const guilds = Number(process.env.SCALE_GUILDS ?? 100_000);
const started = performance.now();
const sim = await startSimulator({ port: 0, guilds: 0, seed: 1 });
for (let i = 0; i < guilds; i++) sim.world.createGuild({ channels: 10, roles: 10, members: 50 });
const startupMs = performance.now() - started;
const memory = process.memoryUsage();
process.stdout.write(
  `${JSON.stringify({ url: sim.url, token: sim.defaultBot.token, botId: sim.defaultBot.id, startupMs, rss: memory.rss, heapUsed: memory.heapUsed })}\n`,
);
process.on('message', () => process.stdout.write(`${JSON.stringify({ rss: process.memoryUsage().rss })}\n`));
process.once('SIGTERM', () => void sim.close().then(() => process.exit(0)));
