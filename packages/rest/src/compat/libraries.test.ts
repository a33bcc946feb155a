/** Unmodified REST clients of four libraries, pointed at the rest-proxy in front of the simulator. */
// biome-ignore-all assist/source/organizeImports: discord.js must load before undici 7 (discordLibraries.ts)
import { discordjs, discordjsRest } from './discordLibraries.js';

import { createLogger } from '@shardwire/core';
import { type RunningSimulator, startSimulator } from '@shardwire/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RestProxy } from '../proxy/RestProxy.js';

const FIVE_MB = Buffer.alloc(5 * 1024 * 1024, 7);
let sim: RunningSimulator;
let proxy: RestProxy;
let proxyUrl: string;
let token: string;

beforeAll(async () => {
  sim = await startSimulator({ port: 0 });
  token = sim.defaultBot.token;
  proxy = new RestProxy({
    upstreamUrl: `${sim.url}/api`,
    logger: createLogger({ name: 'test', level: 'silent' }),
  });
  proxyUrl = await proxy.listen(0);
});

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
});

function newChannel(): string {
  const guild = sim.world.createGuild();
  return sim.world.store.channelsOf(guild)[0]!.id;
}

const stored = (channel: string, id: string) => sim.world.store.messages(channel)?.get(id)?.message;

async function proxiedRequests(): Promise<number> {
  const text = await proxy.registry.metrics();
  return [...text.matchAll(/^shardwire_rest_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

describe('unmodified libraries through the rest-proxy', () => {
  it('@discordjs/rest: send, upload 5 MB, edit, delete', async () => {
    const { REST } = discordjsRest;
    const { Routes } = await import('discord-api-types/v10');
    const channel = newChannel();
    const before = await proxiedRequests();
    const rest = new REST({ api: `${proxyUrl}/api` }).setToken(token);
    const sent = (await rest.post(Routes.channelMessages(channel), { body: { content: 'hello' } })) as {
      id: string;
    };
    const upload = (await rest.post(Routes.channelMessages(channel), {
      body: { content: 'file' },
      files: [{ name: 'big.bin', data: FIVE_MB }],
    })) as { id: string; attachments: { size: number }[] };
    expect(upload.attachments[0]!.size).toBe(FIVE_MB.length);
    await rest.patch(Routes.channelMessage(channel, sent.id), { body: { content: 'edited' } });
    expect(stored(channel, sent.id)?.content).toBe('edited');
    await rest.delete(Routes.channelMessage(channel, upload.id));
    expect(stored(channel, upload.id)).toBeUndefined();
    expect((await proxiedRequests()) - before).toBe(4);
  });

  it('discord.js: send, edit, delete', async () => {
    const { Client } = discordjs;
    const channelId = newChannel();
    const before = await proxiedRequests();
    const client = new Client({ intents: [], rest: { api: `${proxyUrl}/api` } });
    client.rest.setToken(token);
    try {
      const channel = await client.channels.fetch(channelId, { allowUnknownGuild: true });
      if (!channel?.isSendable()) throw new Error('expected a text channel');
      const message = await channel.send('hello');
      // No gateway here, so no guild in the cache: edit and delete through the channel's manager.
      await channel.messages.edit(message.id, 'edited');
      expect(stored(channelId, message.id)?.content).toBe('edited');
      await channel.messages.delete(message.id);
      expect(stored(channelId, message.id)).toBeUndefined();
      expect((await proxiedRequests()) - before).toBe(4);
    } finally {
      await client.destroy();
    }
  });

  it('discord.js: upload 5 MB', async () => {
    const { Client, AttachmentBuilder } = discordjs;
    const channelId = newChannel();
    const client = new Client({ intents: [], rest: { api: `${proxyUrl}/api` } });
    client.rest.setToken(token);
    try {
      const channel = await client.channels.fetch(channelId, { allowUnknownGuild: true });
      if (!channel?.isSendable()) throw new Error('expected a text channel');
      const upload = await channel.send({ files: [new AttachmentBuilder(FIVE_MB, { name: 'big.bin' })] });
      expect(upload.attachments.first()?.size).toBe(FIVE_MB.length);
    } finally {
      await client.destroy();
    }
  });

  it('oceanic.js: send, upload 5 MB, edit, delete', async () => {
    const { Client } = await import('oceanic.js');
    const channel = newChannel();
    const before = await proxiedRequests();
    const client = new Client({ auth: `Bot ${token}`, rest: { baseURL: `${proxyUrl}/api/v10` } });
    const message = await client.rest.channels.createMessage(channel, { content: 'hello' });
    const upload = await client.rest.channels.createMessage(channel, {
      content: 'file',
      files: [{ name: 'big.bin', contents: FIVE_MB }],
    });
    expect(upload.attachments.first()?.size).toBe(FIVE_MB.length);
    await client.rest.channels.editMessage(channel, message.id, { content: 'edited' });
    expect(stored(channel, message.id)?.content).toBe('edited');
    await client.rest.channels.deleteMessage(channel, upload.id);
    expect(stored(channel, upload.id)).toBeUndefined();
    expect((await proxiedRequests()) - before).toBe(4);
    client.disconnect(false);
  });

  it('@discordeno/bot: send, upload 5 MB, edit, delete, through a proxy that wants its secret', async () => {
    const { createRestManager } = await import('@discordeno/bot');
    const guarded = new RestProxy({
      upstreamUrl: `${sim.url}/api`,
      secret: 'proxy-secret',
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    const guardedUrl = await guarded.listen(0);
    try {
      const channel = newChannel();
      const rest = createRestManager({
        token,
        proxy: {
          baseUrl: `${guardedUrl}/api`,
          authorizationHeader: 'x-shardwire-secret',
          authorization: 'proxy-secret',
        },
      });
      const message = await rest.sendMessage(channel, { content: 'hello' });
      const upload = await rest.sendMessage(channel, {
        content: 'file',
        files: [{ name: 'big.bin', blob: new Blob([FIVE_MB]) }],
      });
      expect(upload.attachments?.[0]?.size).toBe(FIVE_MB.length);
      await rest.editMessage(channel, message.id, { content: 'edited' });
      expect(stored(channel, String(message.id))?.content).toBe('edited');
      await rest.deleteMessage(channel, upload.id);
      expect(stored(channel, String(upload.id))).toBeUndefined();
    } finally {
      await guarded.close();
    }
  });
});
