import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { SendLimiter } from './sendLimiter.js';

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SendLimiter', () => {
  it('never lets more than 120 payloads through in any 60 s, keeping room for heartbeats', async () => {
    const clock = new ManualClock();
    const limiter = new SendLimiter({ clock });
    limiter.reserveForHeartbeat(41_250); // ceil(60/41.25) + 1 = 3 kept back
    const sentAt: number[] = [];
    const all = Array.from({ length: 300 }, () => limiter.acquire().then(() => sentAt.push(clock.now())));
    await flush();
    expect(sentAt.length).toBe(117);
    // Heartbeats still pass although the queue is full of commands.
    expect(limiter.tryPriority()).toBe(true);
    expect(limiter.tryPriority()).toBe(true);
    expect(limiter.tryPriority()).toBe(true);
    expect(limiter.tryPriority()).toBe(false);
    for (let t = 0; t < 200; t++) {
      clock.advance(1_000);
      await flush();
    }
    await Promise.all(all);
    expect(sentAt.length).toBe(300);
    // Sliding check: in every 60 s window at most 117 commands (+3 heartbeats = 120).
    for (let i = 0; i + 117 < sentAt.length; i++)
      expect(sentAt[i + 117]! - sentAt[i]!).toBeGreaterThanOrEqual(60_000);
  });

  it('serves waiters first come, first served, and rejects them on close or abort', async () => {
    const clock = new ManualClock();
    const limiter = new SendLimiter({ clock, limit: 2, reserved: 0, windowMs: 1_000 });
    const order: string[] = [];
    await limiter.acquire();
    await limiter.acquire();
    const abort = new AbortController();
    const a = limiter.acquire().then(() => order.push('a'));
    const b = limiter.acquire(abort.signal).then(
      () => order.push('b'),
      () => order.push('b aborted'),
    );
    const c = limiter.acquire().then(() => order.push('c'));
    abort.abort();
    await b;
    clock.advance(1_000);
    await Promise.all([a, c]);
    expect(order).toEqual(['b aborted', 'a', 'c']);
    const d = limiter.acquire();
    limiter.close(new Error('stopped'));
    await expect(d).rejects.toThrow('stopped');
  });

  it('starts a new window on reset (a new connection)', async () => {
    const clock = new ManualClock();
    const limiter = new SendLimiter({ clock, limit: 1, reserved: 0 });
    await limiter.acquire();
    expect(limiter.available).toBe(0);
    limiter.reset();
    expect(limiter.available).toBe(1);
  });
});
