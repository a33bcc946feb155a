/** The session start limit enforced: one IDENTIFY per max_concurrency bucket per 5 s, `total` per day, RESUME free. */
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGatewayClient } from '../testing/gatewayClient.js';
import { type Harness, startHarness } from '../testing/harness.js';

describe('session start limit', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const identify = async (token: string, shard: [number, number]) => {
    const client = await h.connect();
    client.identify(token, { shard, intents: 1 });
    await client.until(() => client.received.find((p) => p.t === 'READY' || p.op === 9));
    return client;
  };
  const ready = (client: TestGatewayClient) => client.received.some((p) => p.t === 'READY');
  const refused = (client: TestGatewayClient) => client.received.find((p) => p.op === 9)?.d === false;
  const limitOf = async (token: string) =>
    (await h.rest(token)('GET', '/gateway/bot')).body.session_start_limit as {
      total: number;
      remaining: number;
      reset_after: number;
      max_concurrency: number;
    };

  it('refuses a second IDENTIFY in one bucket within 5 s with op 9, and counts IDENTIFY but not RESUME', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 1, clock });
    const token = h.sim.defaultBot.token;
    const first = await identify(token, [0, 2]);
    expect(ready(first)).toBe(true);
    const second = await identify(token, [1, 2]);
    expect(refused(second)).toBe(true);
    clock.advance(4999);
    expect(refused(await identify(token, [1, 2]))).toBe(true);
    clock.advance(1);
    expect(ready(await identify(token, [1, 2]))).toBe(true);
    expect(await limitOf(token)).toEqual({
      total: 1000,
      remaining: 998,
      reset_after: 86_400_000 - 5000,
      max_concurrency: 1,
    });

    // RESUME takes no session start.
    const session = first.dispatches('READY')[0]!.d;
    first.terminate();
    await first.closed();
    const resumed = await h.connect();
    resumed.send({ op: 6, d: { token, session_id: session.session_id, seq: first.lastSeq() } });
    await resumed.dispatch('RESUMED');
    expect((await limitOf(token)).remaining).toBe(998);
    const stats = (await h.control('GET', '/stats')).body;
    expect(stats.refusedIdentifies).toEqual({ concurrency: 2 });
    expect(stats.identifies).toBe(2);
    expect(stats.resumes).toBe(1);
  });

  it('lets max_concurrency buckets IDENTIFY at once, set per bot through /_sim/bots', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 0, clock });
    const bot = (await h.control('POST', '/bots', { username: 'large', maxConcurrency: 2 })).body;
    expect((await limitOf(bot.token)).max_concurrency).toBe(2);
    expect(ready(await identify(bot.token, [0, 4]))).toBe(true);
    expect(ready(await identify(bot.token, [1, 4]))).toBe(true);
    expect(refused(await identify(bot.token, [2, 4]))).toBe(true); // bucket 0 again
    expect(refused(await identify(bot.token, [3, 4]))).toBe(true); // bucket 1 again
    clock.advance(5000);
    expect(ready(await identify(bot.token, [2, 4]))).toBe(true);
    expect(ready(await identify(bot.token, [3, 4]))).toBe(true);

    // The default bot's limits change through PATCH.
    const patched = await h.control('PATCH', `/bots/${h.sim.defaultBot.id}`, {
      maxConcurrency: 16,
      globalRateLimit: 500,
    });
    expect(patched.body.limits).toMatchObject({
      globalRateLimit: 500,
      sessionStartLimit: { max_concurrency: 16 },
    });
    expect((await limitOf(h.sim.defaultBot.token)).max_concurrency).toBe(16);
    expect((await h.control('PATCH', '/bots/1', { maxConcurrency: 2 })).status).toBe(404);
    expect((await h.control('PATCH', `/bots/${bot.id}`, { maxConcurrency: 0 })).status).toBe(400);
  });

  it('scales the bucket window with limitScale: at 0.01, 16 shards in one bucket identify 50 ms apart', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 0, clock, limitScale: 0.01 });
    const token = h.sim.defaultBot.token;
    for (let shard = 0; shard < 16; shard++) {
      expect(ready(await identify(token, [shard, 16]))).toBe(true);
      clock.advance(50);
    }
    expect(ready(await identify(token, [0, 16]))).toBe(true);
    clock.advance(49);
    expect(refused(await identify(token, [1, 16]))).toBe(true);
    expect((await h.control('GET', '/stats')).body.refusedIdentifies).toEqual({ concurrency: 1 });
  });

  it('with rateLimits false, counts IDENTIFYs in `remaining` but refuses none', async () => {
    h = await startHarness({ guilds: 0, rateLimits: false });
    const token = h.sim.defaultBot.token;
    for (let shard = 0; shard < 16; shard++) expect(ready(await identify(token, [shard, 16]))).toBe(true);
    expect(ready(await identify(token, [0, 16]))).toBe(true);
    expect((await limitOf(token)).remaining).toBe(1000 - 17);
    expect((await h.control('GET', '/stats')).body.refusedIdentifies).toEqual({});
  });

  it('refuses IDENTIFY once `remaining` is 0 until reset_after passes', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 0, clock, limitScale: 0.001 }); // a 86.4 s day, 5 ms between IDENTIFYs
    const bot = (await h.control('POST', '/bots', { username: 'small', sessionStartLimit: 2 })).body;
    expect(ready(await identify(bot.token, [0, 1]))).toBe(true);
    clock.advance(5);
    expect(ready(await identify(bot.token, [0, 1]))).toBe(true);
    clock.advance(5);
    expect(await limitOf(bot.token)).toMatchObject({ total: 2, remaining: 0, reset_after: 86_400 - 10 });
    expect(refused(await identify(bot.token, [0, 1]))).toBe(true);
    expect((await h.control('GET', '/stats')).body.refusedIdentifies).toEqual({ exhausted: 1 });
    clock.advance(86_400);
    expect(ready(await identify(bot.token, [0, 1]))).toBe(true);
    expect((await limitOf(bot.token)).remaining).toBe(1);
  });
});
