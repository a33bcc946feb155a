/** Unmodified @discordeno/bot v21: REST through `rest.proxy.baseUrl`; the gateway URL comes from GET /gateway/bot. */
import { createBot, Intents } from '@discordeno/bot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator.js';
import { control } from '../testing/gatewayClient.js';
import { channelContents, eventually } from '../testing/wait.js';

describe('@discordeno/bot v21', () => {
  let sim: RunningSimulator;
  let stop: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 1 });
  });
  afterEach(async () => {
    await stop?.();
    await sim.close();
  });

  it('logs in, gets its guild, receives a message and replies through REST', async () => {
    const [guild] = (await control(sim.url)('GET', '/guilds')).body;
    const channelId = guild.channels[0].id;
    // discordeno keeps no cache of its own: this map is the bot's cache, filled from its events.
    const guilds = new Map<string, string>();
    let readyUser: string | undefined;
    const bot = createBot({
      token: sim.defaultBot.token,
      intents: Intents.Guilds | Intents.GuildMessages | Intents.MessageContent,
      rest: { proxy: { baseUrl: `${sim.url}/api` } },
      desiredProperties: {
        user: { id: true, username: true },
        guild: { id: true, name: true },
        message: { id: true, content: true, channelId: true, author: true, guildId: true },
      },
      events: {
        ready: (payload) => {
          readyUser = payload.user.id.toString();
        },
        guildCreate: (created) => {
          guilds.set(created.id.toString(), created.name);
        },
        messageCreate: (message) => {
          if (message.author.id.toString() === sim.defaultBot.id) return;
          void bot.helpers.sendMessage(message.channelId, { content: `discordeno: ${message.content}` });
        },
      },
    });
    stop = () => bot.shutdown();
    await bot.start();
    await eventually(() => readyUser, 10_000, 'READY');
    expect(readyUser).toBe(sim.defaultBot.id);
    expect(await eventually(() => guilds.get(guild.id), 10_000, 'GUILD_CREATE')).toBe(guild.name);

    await control(sim.url)('POST', `/channels/${channelId}/messages`, { content: 'ping' });
    expect(await channelContents(sim.url, channelId, 'discordeno: ping')).toEqual([
      'ping',
      'discordeno: ping',
    ]);
  });
});
