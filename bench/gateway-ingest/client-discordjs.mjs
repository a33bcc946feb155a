// discord.js (its @discordjs/ws and its client cache) receiving the same replayed stream.
// Without zlib-sync installed discord.js asks for plain JSON, so it skips the inflate step.
import { Client, Events, GatewayIntentBits } from 'discord.js';

const [port, expected] = process.argv.slice(2).map(Number);
const messages = expected - 1 - Number(process.argv[4]);
const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
  rest: { api: `http://127.0.0.1:${port}/api` },
});
let firstAt = 0;
let seen = 0;
const finished = new Promise((resolve) => {
  client.ws.on?.('READY', () => {});
  client.on(Events.Raw, () => {
    if (firstAt === 0) firstAt = performance.now();
  });
  client.on(Events.MessageCreate, () => {
    if (++seen === messages) resolve(performance.now());
  });
});
await client.login(`${Buffer.from('1000').toString('base64')}.bench.token`);
const endAt = await finished;
process.send({
  eventsPerSec: (expected - 1) / ((endAt - firstAt) / 1000),
  guilds: client.guilds.cache.size,
  rss: process.memoryUsage().rss,
});
await client.destroy();
process.exit(0);
