import { createHarness, type Harness, messageEnvelope, publishEnvelope } from '@shardwire/bot/testing';
import type { Envelope } from '@shardwire/core';
import { ManualClock, snowflakeTimestamp } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guildsText, registerBasicBot, roundTripMs } from './index.js';

let harness: Harness;
afterEach(() => harness?.close());

async function bot(clock?: ManualClock): Promise<Harness> {
  harness = await createHarness(clock ? { clock } : {});
  registerBasicBot(harness.worker);
  await harness.worker.start();
  return harness;
}

/** Sends one message and returns the bot's answers to it. */
async function ask(env: Envelope, answers = 1): Promise<string[]> {
  await publishEnvelope(harness.broker, env);
  await vi.waitFor(() => expect(harness.rest.requests.length).toBeGreaterThanOrEqual(answers));
  return harness.rest.contents;
}

describe('basic bot', () => {
  it('answers !ping with Pong! and the time since the message was created', async () => {
    const env = messageEnvelope('!ping');
    const clock = new ManualClock(snowflakeTimestamp(env.d.id) + 42);
    await bot(clock);
    expect(await ask(env)).toEqual(['Pong! 42 ms']);
    expect(harness.rest.requests[0]?.body).toMatchObject({
      message_reference: { message_id: env.d.id, channel_id: env.d.channel_id },
    });
  });

  it('echoes the text after !echo as typed', async () => {
    await bot();
    expect(await ask(messageEnvelope('!echo hello   "big" world'))).toEqual(['hello   "big" world']);
  });

  it('echoes mentions without pinging anyone', async () => {
    await bot();
    expect(await ask(messageEnvelope('!echo @everyone look'))).toEqual(['@everyone look']);
    expect(harness.rest.requests[0]?.body).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it('answers !echo with no text with a usage hint', async () => {
    await bot();
    expect(await ask(messageEnvelope('!echo   '))).toEqual(['Usage: !echo <text>']);
  });

  it('answers !guilds with the number of guilds in the cache', async () => {
    await bot();
    for (const id of ['1', '2', '3']) await harness.cache.apply('GUILD_CREATE', { id }, 0);
    expect(await ask(messageEnvelope('!guilds'))).toEqual(['I am in 3 guilds.']);
  });

  it('ignores other bots and unknown commands', async () => {
    await bot();
    const author = { id: '9', username: 'b', discriminator: '0', global_name: null, avatar: null, bot: true };
    await publishEnvelope(harness.broker, messageEnvelope('!ping', { author }));
    await publishEnvelope(harness.broker, messageEnvelope('!nope'));
    expect(await ask(messageEnvelope('!echo last'))).toEqual(['last']);
  });
});

describe('roundTripMs', () => {
  it.each([
    [0, 0],
    [15, 15],
    [15.4, 15],
    [-30, 0],
  ])('%d ms after creation reads %d', (after, expected) => {
    const id = '1300000000000000000';
    expect(roundTripMs(id, snowflakeTimestamp(id) + after)).toBe(expected);
  });
});

describe('guildsText', () => {
  it.each([
    [0, 'I am in 0 guilds.'],
    [1, 'I am in 1 guild.'],
    [2000, 'I am in 2000 guilds.'],
  ])('%d -> %s', (count, text) => {
    expect(guildsText(count)).toBe(text);
  });
});
