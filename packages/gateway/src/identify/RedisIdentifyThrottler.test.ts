import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisIdentifyThrottler } from './RedisIdentifyThrottler.js';

const url = process.env.REDIS_URL;

describe.skipIf(!url)('RedisIdentifyThrottler', () => {
  const connections: Redis[] = [];
  const prefixes: string[] = [];
  /** Two throttlers on separate connections: two gateway processes of one bot. */
  const processes = (maxConcurrency: number, remaining = 1000, resetAfter = 60_000, intervalMs = 150) => {
    const keyPrefix = `test:${randomUUID()}`;
    prefixes.push(keyPrefix);
    return [0, 1].map(() => {
      const redis = new Redis(url!);
      connections.push(redis);
      return new RedisIdentifyThrottler({
        redis,
        keyPrefix,
        intervalMs,
        limit: { total: 1000, remaining, resetAfter, maxConcurrency },
      });
    });
  };

  afterAll(async () => {
    const redis = connections[0]!;
    for (const prefix of prefixes) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await Promise.all(connections.map((c) => c.quit()));
  });

  it('two processes with max_concurrency 1 together identify one shard per interval', async () => {
    const [a, b] = processes(1);
    const times: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((shard) =>
        (shard % 2 === 0 ? a! : b!).waitForIdentify(shard).then(() => times.push(Date.now())),
      ),
    );
    times.sort((x, y) => x - y);
    // Each identify holds the shared bucket for 150 ms (a little slack for when Node sees the reply).
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(140);
    expect(await a!.remaining()).toBe(994);
  });

  it('two processes with max_concurrency 16 identify all 16 shards in the first bucket', async () => {
    const [a, b] = processes(16, 1000, 60_000, 60_000);
    // With a 60 s interval, anything but the first bucket would wait far past the test timeout.
    await Promise.all(Array.from({ length: 16 }, (_, shard) => (shard < 8 ? a! : b!).waitForIdentify(shard)));
    expect(await b!.remaining()).toBe(984);
  });

  it('waits for the daily reset when the shared budget is used up, then takes from a fresh total', async () => {
    const [a, b] = processes(4, 1, 300);
    await a!.waitForIdentify(0);
    expect(await b!.remaining()).toBe(0);
    await b!.waitForIdentify(1);
    expect(await a!.remaining()).toBe(999);
  });

  it('gives up on abort', async () => {
    const [a] = processes(1, 1000, 60_000, 60_000);
    await a!.waitForIdentify(0);
    const abort = new AbortController();
    const waiting = a!.waitForIdentify(1, abort.signal);
    abort.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
  });
});
