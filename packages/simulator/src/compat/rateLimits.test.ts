/**
 * Issue 5's "done when" for rate limits: unmodified @discordjs/rest, reading the headers, sends 200
 * messages to one channel and 500 requests over 50 buckets with at most a handful of 429s, while a
 * naive client that ignores the headers gets many, each with Discord's headers and body. Windows are
 * scaled by 0.01 (5 per 5 s → 5 per 50 ms); counts are Discord's.
 */
import { REST } from '@discordjs/rest';
import { Routes } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../simulator.js';
import { control, type Json } from '../testing/gatewayClient.js';

const SCALE = 0.01;

describe('rate limits against @discordjs/rest and a naive client', () => {
  let sim: RunningSimulator;
  let channels: string[];
  const rateLimited = async (): Promise<number> => {
    const stats = (await control(sim.url)('GET', '/stats')).body;
    return Object.values(stats.rateLimits.byScope as Record<string, number>).reduce((a, b) => a + b, 0);
  };

  beforeEach(async () => {
    sim = await startSimulator({ limitScale: SCALE });
    const guild = await control(sim.url)('POST', '/guilds', { channels: 25 });
    channels = guild.body.channels.map((c: Json) => c.id as string);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('@discordjs/rest: 200 messages to one channel and 500 requests over 50 buckets, at most a handful of 429s', async () => {
    // discord.js keeps its own global window of 1 s; the simulator's is 10 ms at this scale.
    const rest = new REST({ api: `${sim.url}/api`, globalRequestsPerSecond: 50 / SCALE }).setToken(
      sim.defaultBot.token,
    );
    try {
      const one = channels[0]!;
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          rest.post(Routes.channelMessages(one), { body: { content: `m${i}` } }),
        ),
      );
      expect((await control(sim.url)('GET', `/channels/${one}/messages`)).body).toHaveLength(200);

      const spread = channels.flatMap((channel) =>
        Array.from({ length: 10 }, (_, i) => [
          rest.post(Routes.channelMessages(channel), { body: { content: `s${i}` } }),
          rest.post(Routes.channelTyping(channel)),
        ]).flat(),
      );
      expect(spread).toHaveLength(500);
      await Promise.all(spread);
      expect(await rateLimited()).toBeLessThanOrEqual(5);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
  });
});

/** Real windows here (5 per 5 s, 50 per 1 s), so the outcome does not depend on how fast 200 requests leave. */
describe('a client that ignores the headers', () => {
  let sim: RunningSimulator;
  let channels: string[];
  const rateLimited = async (): Promise<number> => {
    const stats = (await control(sim.url)('GET', '/stats')).body;
    return Object.values(stats.rateLimits.byScope as Record<string, number>).reduce((a, b) => a + b, 0);
  };

  beforeEach(async () => {
    sim = await startSimulator({});
    const guild = await control(sim.url)('POST', '/guilds', { channels: 1 });
    channels = guild.body.channels.map((c: Json) => c.id as string);
  });
  afterEach(async () => {
    await sim.close();
  });

  it('gets many 429s, each with headers and body by scope', async () => {
    const one = channels[0]!;
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${sim.restUrl}/channels/${one}/messages`, {
          method: 'POST',
          headers: { authorization: `Bot ${sim.defaultBot.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ content: `n${i}` }),
        }),
      ),
    );
    const limited = responses.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(100);
    expect(responses.filter((r) => r.status === 200).length + limited.length).toBe(200);
    for (const response of limited) {
      const scope = response.headers.get('x-ratelimit-scope');
      const body = (await response.json()) as { message: string; retry_after: number; global: boolean };
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(body.retry_after).toBeGreaterThanOrEqual(0);
      expect(body.message).toBe('You are being rate limited.');
      if (scope === 'global') {
        expect(response.headers.get('x-ratelimit-global')).toBe('true');
        expect(body.global).toBe(true);
      } else {
        expect(scope).toBe('user');
        expect(body.global).toBe(false);
        expect(response.headers.get('x-ratelimit-limit')).toBe('5');
        expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(response.headers.get('x-ratelimit-bucket')).toMatch(/^[0-9a-f]{32}$/);
        expect(Number(response.headers.get('x-ratelimit-reset-after'))).toBeLessThanOrEqual(5);
      }
    }
    expect(await rateLimited()).toBe(limited.length);
  });
});
