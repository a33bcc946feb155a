import { afterEach, describe, expect, it, vi } from 'vitest';
import { retryFor } from './retry.js';

describe('retryFor', () => {
  afterEach(() => vi.useRealTimers());

  it('returns once an attempt succeeds', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const result = retryFor(async () => {
      if (++calls < 3) throw new Error('refused');
      return 'up';
    }, 10_000);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('up');
    expect(calls).toBe(3);
  });

  it('gives up with the last error after the deadline', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const result = retryFor(async () => {
      calls++;
      throw new Error(`refused ${calls}`);
    }, 1_000);
    const settled = result.catch((e: Error) => e.message);
    await vi.runAllTimersAsync();
    expect(await settled).toBe(`refused ${calls}`);
    expect(calls).toBeGreaterThan(2);
    expect(calls).toBeLessThan(10);
  });
});
