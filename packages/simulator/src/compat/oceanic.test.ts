/** Unmodified oceanic.js against the simulator: only `rest.baseURL` points here. */
import { Client, type Message } from 'oceanic.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator.js';
import { control } from '../testing/gatewayClient.js';
import { channelContents } from '../testing/wait.js';

describe('oceanic.js', () => {
  let sim: RunningSimulator;
  let client: Client | undefined;

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 1 });
  });
  afterEach(async () => {
    client?.disconnect(false);
    await sim.close();
  });

  it('logs in, caches its guild, receives a message and replies through REST', async () => {
    const [guild] = (await control(sim.url)('GET', '/guilds')).body;
    const channelId = guild.channels[0].id;
    client = new Client({
      auth: `Bot ${sim.defaultBot.token}`,
      rest: { baseURL: sim.restUrl },
      gateway: { intents: ['GUILDS', 'GUILD_MESSAGES', 'MESSAGE_CONTENT'] },
    });
    client.on('error', () => {});
    client.on('messageCreate', (message: Message) => {
      if (message.author.bot) return;
      void client!.rest.channels.createMessage(message.channelID, { content: `oceanic: ${message.content}` });
    });
    const ready = new Promise<void>((resolve) => client!.once('ready', () => resolve()));
    await client.connect();
    await ready;
    expect(client.user.id).toBe(sim.defaultBot.id);
    expect(client.guilds.get(guild.id)?.name).toBe(guild.name);

    await control(sim.url)('POST', `/channels/${channelId}/messages`, { content: 'ping' });
    expect(await channelContents(sim.url, channelId, 'oceanic: ping')).toEqual(['ping', 'oceanic: ping']);
  });
});
