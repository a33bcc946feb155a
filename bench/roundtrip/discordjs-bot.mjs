// The basic bot's !ping written directly on discord.js (v14), unmodified, against the simulator.
// Run by bench/roundtrip with DISCORD_TOKEN and DISCORD_API_URL set.
import { Client, GatewayIntentBits } from 'discord.js';

const client = new Client({
  intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
  rest: { api: process.env.DISCORD_API_URL },
});
client.on('messageCreate', async (message) => {
  if (message.author.bot || message.content !== '!ping') return;
  const ms = Date.now() - message.createdTimestamp;
  await message.reply({ content: `Pong! ${ms} ms`, allowedMentions: { parse: [] } });
});
client.once('clientReady', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => client.destroy().then(() => process.exit(0)));
await client.login(process.env.DISCORD_TOKEN);
