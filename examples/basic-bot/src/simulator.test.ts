/**
 * The bot against the simulator's real REST API through the real RestClient: the replies it posts
 * are accepted and show up in the channel as replies by the bot. (The gateway is left out: the
 * envelopes are built here from the messages /_sim posts; `shardwire up`'s end-to-end test covers it.)
 */
import { createHarness, type Harness, publishEnvelope } from '@shardwire/bot/testing';
import { type Cache, createCache } from '@shardwire/cache';
import type { Envelope } from '@shardwire/core';
import { RestClient } from '@shardwire/rest';
import { type RunningSimulator, startSimulator } from '@shardwire/simulator';
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerBasicBot } from './index.js';

describe('basic bot on the simulator', () => {
  let sim: RunningSimulator;
  let rest: RestClient;
  let cache: Cache;
  let harness: Harness;
  let channelId: string;
  let guildId: string;
  let seq = 0;

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sim.url}/_sim${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(response.ok).toBe(true);
    return (await response.json()) as T;
  };

  /** Posts as a user through /_sim and hands the message to the worker as the gateway would. */
  const say = async (content: string): Promise<APIMessage> => {
    const message = await control<APIMessage>('POST', `/channels/${channelId}/messages`, { content });
    const env: Envelope = {
      id: `${sim.defaultBot.id}:0:sim-test:${++seq}`,
      bot: sim.defaultBot.id,
      shard: 0,
      seq,
      t: 'MESSAGE_CREATE',
      d: { ...message, guild_id: guildId },
      guildId,
      receivedAt: Date.now(),
    };
    await publishEnvelope(harness.broker, env);
    return message;
  };

  const replyTo = async (message: APIMessage): Promise<APIMessage> => {
    let reply: APIMessage | undefined;
    await vi.waitFor(async () => {
      const log = await control<APIMessage[]>('GET', `/channels/${channelId}/messages`);
      reply = log.find((m) => m.message_reference?.message_id === message.id);
      expect(reply).toBeDefined();
    });
    return reply!;
  };

  beforeEach(async () => {
    sim = await startSimulator({ guilds: 3, seed: 7 });
    rest = new RestClient({ baseUrl: sim.restUrl.replace(/\/v10$/, ''), token: sim.defaultBot.token });
    cache = await createCache('memory:');
    const guilds = await control<{ id: string; channels: { id: string; type: number }[] }[]>(
      'GET',
      '/guilds',
    );
    for (const guild of guilds) await cache.apply('GUILD_CREATE', guild, 0);
    guildId = guilds[0]!.id;
    channelId = guilds[0]!.channels.find((c) => c.type === 0)!.id;
    harness = await createHarness({ rest, cache });
    registerBasicBot(harness.worker);
    await harness.worker.start();
  });

  afterEach(async () => {
    await harness.close();
    await rest.close();
    await cache.close();
    await sim.close();
  });

  it('answers !ping, !echo and !guilds with replies by the bot', async () => {
    const ping = await replyTo(await say('!ping'));
    expect(ping.content).toMatch(/^Pong! \d+ ms$/);
    expect(ping.author.id).toBe(sim.defaultBot.id);

    expect((await replyTo(await say('!echo hello'))).content).toBe('hello');
    expect((await replyTo(await say('!echo'))).content).toBe('Usage: !echo <text>');
    expect((await replyTo(await say('!guilds'))).content).toBe('I am in 3 guilds.');
  });
});
