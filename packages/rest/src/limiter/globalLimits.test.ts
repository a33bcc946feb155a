import { describe, expect, it } from 'vitest';
import { GLOBAL_WINDOW_MS, GlobalLimits, IN_FLIGHT_RETRY_MS } from './globalLimits.js';

describe('GlobalLimits (places held in flight and a window after the answer)', () => {
  /** Takes `n` places at `sentAt`, answered at `answeredAt`; how many were granted. */
  const sendMany = (limits: GlobalLimits, n: number, sentAt: number, answeredAt: number) => {
    let granted = 0;
    for (let i = 0; i < n; i++) {
      if (limits.take('bot', sentAt) !== 0) continue;
      granted++;
      limits.answered(limits.lastTaken()!, answeredAt);
    }
    return granted;
  };

  it.each([
    // [sent at 0, sent at 1000, answered after (ms), asked at, may go then]
    [5, 0, 0, GLOBAL_WINDOW_MS, 5],
    // Windows fixed at 0 would let 5 more go at 1,050: 4 of them would land within one second of
    // the 4 sent at 1,000.
    [1, 4, 0, GLOBAL_WINDOW_MS, 1],
    [1, 4, 0, 1000 + GLOBAL_WINDOW_MS, 5],
    [0, 5, 0, 1500, 0],
    // Slow answers: a place frees a window after its answer, not after its send.
    [5, 0, 300, GLOBAL_WINDOW_MS, 0],
    [5, 0, 300, GLOBAL_WINDOW_MS + 300, 5],
  ])(
    '%i sent at 0, %i at 1000, answered %i ms later: at %i, %i may go',
    (atZero, atThousand, rtt, askedAt, allowed) => {
      const limits = new GlobalLimits(() => 5);
      expect(sendMany(limits, atZero, 0, rtt)).toBe(atZero);
      expect(sendMany(limits, atThousand, 1000, 1000 + rtt)).toBe(atThousand);
      expect(sendMany(limits, 5, askedAt, askedAt)).toBe(allowed);
    },
  );

  it('holds a place while its request is in flight, then a window from its answer', () => {
    const limits = new GlobalLimits(() => 1);
    expect(limits.take('bot', 0)).toBe(0);
    const place = limits.lastTaken()!;
    expect(limits.take('bot', 60_000)).toBe(IN_FLIGHT_RETRY_MS);
    limits.answered(place, 60_000);
    expect(limits.take('bot', 60_500)).toBe(GLOBAL_WINDOW_MS - 500);
    expect(limits.take('other', 60_500)).toBe(0);
  });

  it('frees at once a place whose request never went', () => {
    const limits = new GlobalLimits(() => 1);
    limits.take('bot', 0);
    limits.release(limits.lastTaken()!);
    expect(limits.take('bot', 0)).toBe(0);
  });

  it('holds an identity blocked by a global 429', () => {
    const limits = new GlobalLimits(() => 50);
    limits.block('bot', 2000);
    expect(limits.take('bot', 500)).toBe(1500);
    expect(limits.take('bot', 2000)).toBe(0);
  });
});
