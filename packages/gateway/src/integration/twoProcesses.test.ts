/**
 * Two gateway managers (as two processes would, each with its own Redis connection) split 16 shards
 * of one bot and share its identify limits through Redis: with max_concurrency 1 they never identify
 * two shards within one interval, together; with max_concurrency 16 all 16 go at once. Against an
 * in-test gateway that records when each IDENTIFY arrives, and against the simulator, which refuses
 * an IDENTIFY its max_concurrency bucket has no room for (its 5 s window scaled to 50 ms).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisIdentifyThrottler } from '../identify/RedisIdentifyThrottler.js';
import { ShardManager, type ShardManagerOptions } from '../manager/ShardManager.js';
import { FakeGateway } from '../testing/fakeGateway.js';
import { FakeBroker, FakeCache, fakeRest } from '../testing/fakes.js';
import { testRedis } from '../testing/redis.js';
import { stats } from '../testing/sim.js';
import { startSimWorld } from '../testing/simWorld.js';

const redisUrl = process.env.REDIS_URL;
const token = `${Buffer.from('2000').toString('base64')}.abc.def`;

type Cleanups = (() => Promise<unknown> | unknown)[];

/**
 * Two managers (own Redis connections, one identify key prefix) running shards 0-7 and 8-15 of 16
 * on `base`'s connections, started together; resolves once both are READY.
 */
async function startTwoHalves(
  base: Omit<ShardManagerOptions, 'identifyThrottler'>,
  intervalMs: number,
  cleanups: Cleanups,
): Promise<void> {
  const keyPrefix = `test:${randomUUID()}`;
  const managers = [0, 1].map((half) => {
    const redis = testRedis(redisUrl!, keyPrefix, cleanups);
    const manager = new ShardManager({
      ...base,
      shardCount: 16,
      shardIds: Array.from({ length: 8 }, (_, i) => half * 8 + i),
      consumeCommands: false,
      identifyThrottler: (limit) => new RedisIdentifyThrottler({ redis, keyPrefix, limit, intervalMs }),
    });
    cleanups.push(() => manager.stop());
    return manager;
  });
  await Promise.all(managers.map((m) => m.start()));
  await Promise.all(managers.map((m) => m.waitUntilReady()));
}

describe.skipIf(!redisUrl)('two gateway processes sharing a bot', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function run(maxConcurrency: number, intervalMs: number) {
    const gateway = await FakeGateway.start();
    cleanups.push(() => gateway.close());
    const base = {
      token,
      intents: 1,
      rest: fakeRest(gateway.url, { shards: 16, maxConcurrency }),
      broker: new FakeBroker().asBroker(),
      cache: new FakeCache().asCache(),
    };
    await startTwoHalves(base, intervalMs, cleanups);
    expect(gateway.identifies.map((i) => i.shard[0]).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 16 }, (_, i) => i),
    );
    return gateway.identifies.map((i) => i.at).sort((x, y) => x - y);
  }

  it('with max_concurrency 1, 16 shards identify one per interval, together', {
    timeout: 30_000,
  }, async () => {
    const interval = 150;
    const times = await run(1, interval);
    // Each IDENTIFY holds the one shared bucket for the interval. The times are when the gateway saw
    // each IDENTIFY, so a busy event loop can shift one by a few ms: no two may arrive within half an
    // interval (a broken throttler lets them through together), and the 16 must span 15 intervals.
    for (let i = 1; i < times.length; i++)
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(interval / 2);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(14.5 * interval);
  });

  it('with max_concurrency 16, all 16 shards identify in the first bucket', { timeout: 30_000 }, async () => {
    // With a 60 s interval anything but the first bucket would wait far past the test timeout.
    await run(16, 60_000);
  });
});

describe.skipIf(!redisUrl)('two gateway processes sharing a bot, against the simulator', () => {
  const cleanups: Cleanups = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function run(maxConcurrency: number, intervalMs: number) {
    const { sim, managerOptions } = await startSimWorld(32, cleanups);
    await fetch(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxConcurrency }),
    });
    const started = Date.now();
    const { identifyThrottler: _memory, ...base } = managerOptions;
    await startTwoHalves(base, intervalMs, cleanups);
    const s = await stats(sim);
    expect(s.identifies).toBe(16);
    // An IDENTIFY sent into a full bucket is refused (op 9) and counted here.
    expect((s as { refusedIdentifies?: Record<string, number> }).refusedIdentifies).toEqual({});
    return Date.now() - started;
  }

  it('with max_concurrency 1, none of the 16 identifies is refused: one per bucket, together', {
    timeout: 30_000,
  }, async () => {
    // The simulator's bucket is 50 ms; the shared buckets keep 150 ms, the margin covering the time
    // from a grant to the IDENTIFY's arrival on a busy machine.
    const took = await run(1, 150);
    expect(took).toBeGreaterThanOrEqual(15 * 150);
  });

  it('with max_concurrency 16, all 16 identify in the first bucket, none refused', {
    timeout: 30_000,
  }, async () => {
    // With a 60 s interval anything but the first bucket would wait far past the test timeout.
    await run(16, 60_000);
  });
});
