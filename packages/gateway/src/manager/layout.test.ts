import { describe, expect, it } from 'vitest';
import { chooseLayout, countsKeepingGuilds, derivedShardIds, guildsSplitBy } from './layout.js';

describe('derivedShardIds', () => {
  it.each([
    [[0, 1], 4, 8, [0, 1, 4, 5]],
    [[2, 3], 4, 8, [2, 3, 6, 7]],
    [[1], 2, 6, [1, 3, 5]],
    [[0, 1, 2, 3], 4, 4, [0, 1, 2, 3]],
    // Not multiples: ids holding whole classes modulo gcd(from, to).
    [[0, 2, 4, 6], 8, 12, [0, 2, 4, 6, 8, 10]],
    [[1, 3, 5, 7], 8, 12, [1, 3, 5, 7, 9, 11]],
    [[0, 2, 4, 6, 8, 10], 12, 16, [0, 2, 4, 6, 8, 10, 12, 14]],
    [[0, 3], 6, 9, [0, 3, 6]],
    [[1, 4], 6, 9, [1, 4, 7]],
  ])('%j of %i -> %i shards', (ids, from, to, expected) => {
    expect(derivedShardIds(ids, from, to)).toEqual(expected);
  });

  it('keeps every guild with its process: its new shard is among the derived ids exactly when its old one was among the ids', () => {
    const cases: [number[], number, number][] = [
      [[0], 4, 12],
      [[0, 2, 4, 6], 8, 12],
      [[0, 3], 6, 9],
      [[1, 3, 5, 7, 9, 11], 12, 16],
    ];
    for (const [ids, from, to] of cases) {
      const derived = new Set(derivedShardIds(ids, from, to));
      for (let shifted = 0; shifted < 5 * from * to; shifted += 7) {
        expect(derived.has(shifted % to)).toBe(ids.includes(shifted % from));
      }
    }
  });

  it('refuses ids whose guilds would share new shards with another process', () => {
    expect(() => derivedShardIds([0], 4, 6)).toThrow(/shards 0 and 2 of 4 would share shards of 6/);
    expect(() => derivedShardIds([0, 1, 2, 3], 8, 12)).toThrow(/shards 0 and 4 of 8/);
    expect(guildsSplitBy([0, 1, 2, 3], 8, 12)).toEqual({ a: 0, b: 4 });
    expect(guildsSplitBy([0, 2, 4, 6], 8, 12)).toBeUndefined();
  });

  it("lists the counts up to twice the running one that keep each process's guilds", () => {
    expect(
      countsKeepingGuilds(
        [
          [0, 1, 2, 3],
          [4, 5, 6, 7],
        ],
        8,
      ),
    ).toEqual([16]);
    expect(
      countsKeepingGuilds(
        [
          [0, 2, 4, 6],
          [1, 3, 5, 7],
        ],
        8,
      ),
    ).toEqual([10, 12, 14, 16]);
    expect(
      countsKeepingGuilds(
        [
          [0, 4],
          [1, 5],
          [2, 6],
          [3, 7],
        ],
        8,
      ),
    ).toEqual([12, 16]);
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
    // One process owning every shard starts any stored count.
    [4, 9, undefined, 5, 5, [0, 1, 2, 3, 4], undefined],
    ['auto', 9, undefined, 5, 5, [0, 1, 2, 3, 4], undefined],
    // A configured count above the stored one is the operator's choice: identify it, record it.
    [8, 9, undefined, 4, 8, [0, 1, 2, 3, 4, 5, 6, 7], 8],
    [6, 9, [0, 1, 2], 4, 6, [0, 1, 2], 6],
    // After a reshard 8 -> 12 of processes running the even and the odd shards.
    [8, 9, [0, 2, 4, 6], 12, 12, [0, 2, 4, 6, 8, 10], undefined],
    [8, 9, [1, 3, 5, 7], 12, 12, [1, 3, 5, 7, 9, 11], undefined],
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
      /layout of 6 shards .* SHARD_COUNT=4 with SHARD_IDS cannot derive .* modulo gcd\(4, 6\)\): set SHARD_COUNT to 6 or a divisor/,
    );
  });

  it('refuses SHARD_IDS with SHARD_COUNT=auto, whose count moves with the recommendation', () => {
    // After a reshard 8 -> 16 and Discord recommending 16, ids 0-3 "of auto" would be 0-3 of 16,
    // leaving shards 8-15 to no process.
    for (const storedCount of [undefined, 16]) {
      expect(() =>
        chooseLayout({
          configured: 'auto',
          recommended: 16,
          shardIds: [0, 1, 2, 3],
          ...(storedCount ? { stored: stored(storedCount) } : {}),
        }),
      ).toThrow(
        /SHARD_IDS needs SHARD_COUNT set to the count its ids are of, not auto \(Discord recommends 16 now\)/,
      );
    }
  });

  it('checks SHARD_IDS against the configured count', () => {
    expect(() => chooseLayout({ configured: 4, recommended: 4, shardIds: [4] })).toThrow(/outside 0..3/);
  });
});
