import { describe, expect, it } from 'vitest';
import { hashKey, Partitioner } from './partition.js';

describe('Partitioner', () => {
  it.each([
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ])('hashes %j with FNV-1a to %d', (key, hash) => {
    expect(hashKey(key)).toBe(hash);
  });

  it('sends one key to one partition, always', () => {
    const p = new Partitioner(16);
    const first = p.of('81384788765712384');
    for (let i = 0; i < 10; i++) expect(p.of('81384788765712384')).toBe(first);
  });

  it('spreads keyless messages over every partition', () => {
    const p = new Partitioner(4);
    expect(new Set(Array.from({ length: 8 }, () => p.of(undefined)))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('spreads guild ids roughly evenly', () => {
    const p = new Partitioner(16);
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[p.of(String(81384788765712384n + BigInt(i) * 4194304n))]++;
    expect(Math.min(...counts)).toBeGreaterThan(700);
  });

  it.each([0, -1, 1.5, 2000])('refuses %d partitions', (n) => {
    expect(() => new Partitioner(n)).toThrow(RangeError);
  });
});
