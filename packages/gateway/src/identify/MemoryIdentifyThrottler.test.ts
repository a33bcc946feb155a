import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTIFY_INTERVAL_MS as D } from './IdentifyThrottler.js';
import { MemoryIdentifyThrottler } from './MemoryIdentifyThrottler.js';

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function limit(maxConcurrency: number, remaining = 1000) {
  return { total: 1000, remaining, resetAfter: 60_000, maxConcurrency };
}

async function identifyTimes(
  clock: ManualClock,
  throttler: MemoryIdentifyThrottler,
  shards: number,
  until: number,
) {
  const at = new Map<number, number>();
  for (let id = 0; id < shards; id++) void throttler.waitForIdentify(id).then(() => at.set(id, clock.now()));
  for (let t = 0; t <= until; t += 250) {
    await flush();
    clock.advance(250);
  }
  await flush();
  return at;
}

describe('MemoryIdentifyThrottler', () => {
  it('lets one shard per bucket identify every 5 s and the margin (max_concurrency 1)', async () => {
    const clock = new ManualClock();
    const throttler = new MemoryIdentifyThrottler({ clock, limit: limit(1) });
    const at = await identifyTimes(clock, throttler, 4, 20_000);
    expect([...at.values()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3].map((i) => i * D));
  });

  it('identifies a whole bucket set at once with max_concurrency 16', async () => {
    const clock = new ManualClock();
    const throttler = new MemoryIdentifyThrottler({ clock, limit: limit(16) });
    const at = await identifyTimes(clock, throttler, 32, 10_000);
    const times = [...at.values()];
    expect(times.filter((t) => t === 0)).toHaveLength(16);
    expect(times.filter((t) => t === D)).toHaveLength(16);
  });

  it('waits for the daily reset instead of identifying with no budget left', async () => {
    const clock = new ManualClock();
    const throttler = new MemoryIdentifyThrottler({ clock, limit: limit(4, 2) });
    const at = await identifyTimes(clock, throttler, 3, 70_000);
    expect(at.get(0)).toBe(0);
    expect(at.get(1)).toBe(0);
    expect(at.get(2)).toBe(60_000);
    expect(await throttler.remaining()).toBe(999);
  });

  it('gives up a waiting identify on abort without blocking the bucket', async () => {
    const clock = new ManualClock();
    const throttler = new MemoryIdentifyThrottler({ clock, limit: limit(1) });
    await throttler.waitForIdentify(0);
    const abort = new AbortController();
    const aborted = throttler.waitForIdentify(1, abort.signal);
    const next = throttler.waitForIdentify(2);
    abort.abort(new Error('gone'));
    await expect(aborted).rejects.toThrow('gone');
    clock.advance(D);
    await flush();
    await expect(next).resolves.toBeUndefined();
  });
});
