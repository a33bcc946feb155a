// discord.js (its @discordjs/ws and its client cache) receiving the same replayed stream.
// discord.js 14 bundles @discordjs/ws 1.x, whose only zlib-stream decoder is the native zlib-sync
// package; without it (not installed here) discord.js asks for plain JSON: same payloads, no inflate.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { startMeter } from './measure.mjs';

const [port, expected] = process.argv.slice(2).map(Number);
const messages = expected - 1 - Number(process.argv[4]);
const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages],
  rest: { api: `http://127.0.0.1:${port}/api` },
});
let meter;
let seen = 0;
const finished = new Promise((resolve) => {
  client.on(Events.Raw, () => {
    meter ??= startMeter();
  });
  client.on(Events.MessageCreate, () => {
    if (++seen === messages) resolve(meter(expected - 1));
  });
});
await client.login(`${Buffer.from('1000').toString('base64')}.bench.token`);
const result = await finished;
process.send({ ...result, guilds: client.guilds.cache.size, rss: process.memoryUsage().rss });
await client.destroy();
process.exit(0);
