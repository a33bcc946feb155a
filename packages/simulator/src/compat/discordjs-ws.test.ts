/** Unmodified @discordjs/ws 2 + @discordjs/rest 2, plain JSON and with zlib-stream (CompressionMethod.ZlibNative). */
import { REST } from '@discordjs/rest';
import { CompressionMethod, WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import {
  GatewayDispatchEvents,
  type GatewayDispatchPayload,
  GatewayIntentBits,
  Routes,
} from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator.js';
import { control } from '../testing/gatewayClient.js';
import { channelContents, eventually } from '../testing/wait.js';

describe.each([
  { name: 'JSON', compression: null },
  { name: 'zlib-stream (ZlibNative)', compression: CompressionMethod.ZlibNative },
])('@discordjs/ws + @discordjs/rest, $name', ({ compression }) => {
  let sim: RunningSimulator;
  let manager: WebSocketManager | undefined;

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 1 });
  });
  afterEach(async () => {
    await manager?.destroy();
    await sim.close();
  });

  it('gets READY and its guild, receives a message and replies through REST', async () => {
    const [guild] = (await control(sim.url)('GET', '/guilds')).body;
    const channelId = guild.channels[0].id;
    const rest = new REST({ api: `${sim.url}/api` }).setToken(sim.defaultBot.token);
    manager = new WebSocketManager({
      token: sim.defaultBot.token,
      intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
      rest,
      compression,
    });
    const events: GatewayDispatchPayload[] = [];
    manager.on(WebSocketShardEvents.Dispatch, (payload) => {
      events.push(payload);
      if (payload.t === GatewayDispatchEvents.MessageCreate && !payload.d.author.bot)
        void rest.post(Routes.channelMessages(payload.d.channel_id), {
          body: { content: `pong: ${payload.d.content}` },
        });
    });
    await manager.connect();
    const ready = await eventually(() => events.find((e) => e.t === GatewayDispatchEvents.Ready));
    expect(ready.d).toMatchObject({ user: { id: sim.defaultBot.id }, shard: [0, 1] });
    const created = await eventually(() => events.find((e) => e.t === GatewayDispatchEvents.GuildCreate));
    expect(created.d).toMatchObject({ id: guild.id, name: guild.name });

    await control(sim.url)('POST', `/channels/${channelId}/messages`, { content: 'ping' });
    expect(await channelContents(sim.url, channelId, 'pong: ping')).toEqual(['ping', 'pong: ping']);
    const stats = (await control(sim.url)('GET', '/stats')).body;
    expect(stats.compression).toEqual(compression === null ? { none: 1 } : { 'zlib-stream': 1 });
  });
});

describe('@discordjs/rest uploads', () => {
  it('sends files as multipart that the simulator stores and serves', async () => {
    const sim = await startSimulator({ guilds: 1 });
    try {
      const [guild] = (await control(sim.url)('GET', '/guilds')).body;
      const rest = new REST({ api: `${sim.url}/api` }).setToken(sim.defaultBot.token);
      const message = (await rest.post(Routes.channelMessages(guild.channels[0].id), {
        body: { content: 'a file', attachments: [{ id: 0, description: 'notes' }] },
        files: [{ name: 'notes.txt', data: Buffer.from('simulated'), contentType: 'text/plain' }],
      })) as { attachments: { filename: string; description?: string; url: string }[] };
      expect(message.attachments).toEqual([
        expect.objectContaining({ filename: 'notes.txt', description: 'notes' }),
      ]);
      expect(await (await fetch(message.attachments[0]!.url)).text()).toBe('simulated');
    } finally {
      await sim.close();
    }
  });
});
