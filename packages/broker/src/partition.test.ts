import { describe, expect, it } from 'vitest';
import { hashKey, Partitioner, partitionsOwnedBy } from './partition.js';

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

describe('partitionsOwnedBy', () => {
  const members = ['m-a', 'm-b', 'm-c'];
  const owners = (list: string[]) => {
    const of = new Map<number, string>();
    for (const m of list) for (const p of partitionsOwnedBy(m, list, 16)) of.set(p, m);
    return of;
  };

  it('gives every partition to exactly one member, and all of them to a member alone', () => {
    const shares = members.map((m) => partitionsOwnedBy(m, members, 16));
    expect(shares.flat().sort((a, b) => a - b)).toEqual([...Array(16).keys()]);
    expect(partitionsOwnedBy('m-a', ['m-a'], 16)).toEqual([...Array(16).keys()]);
  });

  it('moves only the partitions of a member that leaves, and only to it when it joins again', () => {
    const before = owners(members);
    const after = owners(['m-a', 'm-c']);
    for (const [partition, owner] of before) if (owner !== 'm-b') expect(after.get(partition)).toBe(owner);
    expect([...after.values()]).not.toContain('m-b');
  });

  it('splits the partitions about evenly between two members', () => {
    for (let i = 0; i < 200; i++) {
      const pair = [`8f1c0d2e-${i}`, `3b7a9e41-${i * 7}`];
      const share = partitionsOwnedBy(pair[0]!, pair, 16).length;
      expect(share, pair.join(' ')).toBeGreaterThanOrEqual(2);
      expect(share, pair.join(' ')).toBeLessThanOrEqual(14);
    }
  });

  it('does not depend on the order members are listed in', () => {
    expect(partitionsOwnedBy('m-b', members, 16)).toEqual(
      partitionsOwnedBy('m-b', [...members].reverse(), 16),
    );
  });
});
