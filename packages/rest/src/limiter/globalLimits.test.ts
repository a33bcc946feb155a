import { describe, expect, it } from 'vitest';
import { GLOBAL_WINDOW_MS, GlobalLimits } from './globalLimits.js';

describe('GlobalLimits (sliding window)', () => {
  const takeMany = (limits: GlobalLimits, n: number, now: number) =>
    Array.from({ length: n }, () => limits.take('bot', now));

  it.each([
    // [sends at t=0, sends at t=1000, asked at, allowed then]
    [5, 0, GLOBAL_WINDOW_MS, 5],
    // A fixed window opened at 0 would allow 5 more at 1,050: 4 of them would land within one
    // second of the 4 sent at 1,000.
    [1, 4, GLOBAL_WINDOW_MS, 1],
    [1, 4, 1000 + GLOBAL_WINDOW_MS, 5],
    [0, 5, 1500, 0],
  ])('%i sent at 0 and %i at 1000: %i ms later %i may go', (atZero, atThousand, askedAt, allowed) => {
    const limits = new GlobalLimits(() => 5);
    expect(takeMany(limits, atZero, 0).every((wait) => wait === 0)).toBe(true);
    expect(takeMany(limits, atThousand, 1000).every((wait) => wait === 0)).toBe(true);
    expect(takeMany(limits, 5, askedAt).filter((wait) => wait === 0)).toHaveLength(allowed);
  });

  it('answers how long until the oldest send leaves the window', () => {
    const limits = new GlobalLimits(() => 2);
    limits.take('bot', 0);
    limits.take('bot', 300);
    expect(limits.take('bot', 500)).toBe(GLOBAL_WINDOW_MS - 500);
    expect(limits.take('other', 500)).toBe(0);
  });

  it('holds an identity blocked by a global 429', () => {
    const limits = new GlobalLimits(() => 50);
    limits.block('bot', 2000);
    expect(limits.take('bot', 500)).toBe(1500);
    expect(limits.take('bot', 2000)).toBe(0);
  });
});
