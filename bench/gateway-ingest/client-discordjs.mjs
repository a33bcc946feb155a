// discord.js (its @discordjs/ws and its client cache) receiving the same replayed stream.
// discord.js 14 asks for zlib-stream exactly when the optional native package zlib-sync loads (its
// only zlib-stream decoder in @discordjs/ws 1.x), else for plain JSON; the bench measures both, the
// plain-JSON side with zlib-sync made unloadable (without-zlib-sync.cjs). The run reports which.
import { Client, Events, GatewayIntentBits } from 'discord.js';
import { discordjsTransport } from './discordjs-transport.mjs';
import { startMeter } from './measure.mjs';

const transport = discordjsTransport();
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
process.send({ ...result, transport, guilds: client.guilds.cache.size, rss: process.memoryUsage().rss });
await client.destroy();
process.exit(0);
