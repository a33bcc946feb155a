/** Unmodified discord.js v14 against the simulator: only its REST base URL points here. */
import { Client, Events, GatewayIntentBits, type Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator.js';
import { control } from '../testing/gatewayClient.js';
import { channelContents } from '../testing/wait.js';

describe('discord.js v14', () => {
  let sim: RunningSimulator;
  let client: Client | undefined;

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 1 });
  });
  afterEach(async () => {
    await client?.destroy();
    await sim.close();
  });

  it('logs in, caches its guild, receives a message and replies through REST', async () => {
    const [guild] = (await control(sim.url)('GET', '/guilds')).body;
    const channelId = guild.channels[0].id;
    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent],
      rest: { api: `${sim.url}/api` },
    });
    const ready = new Promise<void>((resolve) => client!.once(Events.ClientReady, () => resolve()));
    client.on(Events.MessageCreate, (message: Message) => {
      if (message.author.bot) return;
      void message.reply(`echo: ${message.content}`);
    });
    await client.login(sim.defaultBot.token);
    await ready;
    expect(client.user?.id).toBe(sim.defaultBot.id);
    expect(client.application?.id).toBe(sim.defaultBot.applicationId);
    expect(client.guilds.cache.get(guild.id)?.name).toBe(guild.name);
    expect(client.channels.cache.has(channelId)).toBe(true);

    await control(sim.url)('POST', `/channels/${channelId}/messages`, { content: 'ping' });
    expect(await channelContents(sim.url, channelId, 'echo: ping')).toEqual(['ping', 'echo: ping']);
  });
});
