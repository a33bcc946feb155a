import { describe, expect, it } from 'vitest';
import { chooseLayout, derivedShardIds } from './layout.js';

describe('derivedShardIds', () => {
  it.each([
    [[0, 1], 4, 8, [0, 1, 4, 5]],
    [[2, 3], 4, 8, [2, 3, 6, 7]],
    [[1], 2, 6, [1, 3, 5]],
    [[0, 1, 2, 3], 4, 4, [0, 1, 2, 3]],
  ])('%j of %i -> %i shards', (ids, from, to, expected) => {
    expect(derivedShardIds(ids, from, to)).toEqual(expected);
  });

  it('keeps every guild with its process: (g >> 22) % to % from == (g >> 22) % from', () => {
    for (const shifted of [0, 1, 5, 12, 13, 1_000_003]) {
      const before = shifted % 4;
      const after = shifted % 12;
      expect(derivedShardIds([before], 4, 12)).toContain(after);
    }
  });

  it('refuses a count that is not a multiple', () => {
    expect(() => derivedShardIds([0], 4, 6)).toThrow(/not a multiple of 4/);
  });
});

describe('chooseLayout', () => {
  const stored = (shardCount: number) => ({ shardCount, generation: 1 });

  it.each([
    // configured, recommended, SHARD_IDS, stored count -> count, ids, recorded
    [4, 9, undefined, undefined, 4, [0, 1, 2, 3], undefined],
    ['auto', 3, undefined, undefined, 3, [0, 1, 2], undefined],
    [4, 9, [2, 3], undefined, 4, [2, 3], undefined],
    [4, 9, undefined, 4, 4, [0, 1, 2, 3], undefined],
    // After a reshard 4 -> 8, the configured 4 starts the stored 8.
    [4, 9, undefined, 8, 8, [0, 1, 2, 3, 4, 5, 6, 7], undefined],
    [4, 9, [2, 3], 8, 8, [2, 3, 6, 7], undefined],
    ['auto', 4, [0, 1], 8, 8, [0, 1, 4, 5], undefined],
    // One process owning every shard starts any stored count.
    [4, 9, undefined, 5, 5, [0, 1, 2, 3, 4], undefined],
    ['auto', 9, undefined, 5, 5, [0, 1, 2, 3, 4], undefined],
    // A configured count above the stored one is the operator's choice: identify it, record it.
    [8, 9, undefined, 4, 8, [0, 1, 2, 3, 4, 5, 6, 7], 8],
    [6, 9, [0, 1, 2], 4, 6, [0, 1, 2], 6],
  ] as const)(
    'configured %s (recommended %i), SHARD_IDS %j, stored %j',
    (configured, recommended, ids, storedCount, count, expectedIds, recorded) => {
      const choice = chooseLayout({
        configured,
        recommended,
        ...(ids ? { shardIds: ids } : {}),
        ...(storedCount ? { stored: stored(storedCount) } : {}),
      });
      expect(choice.count).toBe(count);
      expect(choice.ids).toEqual(expectedIds);
      expect(choice.record).toEqual(
        recorded === undefined ? undefined : { shardCount: recorded, generation: 2 },
      );
    },
  );

  it('refuses a stored layout the configuration cannot derive, saying how to fix it', () => {
    expect(() =>
      chooseLayout({ configured: 4, recommended: 4, shardIds: [0, 1], stored: stored(6) }),
    ).toThrow(
      /layout of 6 shards .* SHARD_COUNT=4 with SHARD_IDS cannot derive .* set SHARD_COUNT to 6 or a divisor/,
    );
    expect(() =>
      chooseLayout({ configured: 'auto', recommended: 8, shardIds: [0], stored: stored(6) }),
    ).toThrow(/SHARD_COUNT=auto \(Discord recommends 8\) with SHARD_IDS cannot derive/);
  });

  it('checks SHARD_IDS against the configured count', () => {
    expect(() => chooseLayout({ configured: 4, recommended: 4, shardIds: [4] })).toThrow(/outside 0..3/);
  });
});
