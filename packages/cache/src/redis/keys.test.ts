import { SnowflakeGenerator } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { bucketOf, Keys } from './keys.js';

describe('bucketOf', () => {
  it('spreads real-shaped snowflakes (mostly-zero low bits) evenly', () => {
    let now = Date.UTC(2022, 0, 1);
    const ids = new SnowflakeGenerator(1n, 0n, () => (now += 3));
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) counts[bucketOf(ids.next(), 64)]!++;
    // `id % 64` would put every one of these ids in bucket 0 or 1.
    expect(Math.min(...counts)).toBeGreaterThan(700);
    expect(Math.max(...counts)).toBeLessThan(1300);
  });

  it('is stable and in range', () => {
    expect(bucketOf('175928847299117063', 4096)).toBe(bucketOf('175928847299117063', 4096));
    for (const id of ['1', '18446744073709551615', '41771983423143936']) {
      const k = bucketOf(id, 16);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(16);
    }
  });
});

describe('Keys', () => {
  it('refuses a prefix with braces (it would break the hash tags)', () => {
    expect(() => new Keys('a{b}')).toThrow(/must not contain/);
  });
});
