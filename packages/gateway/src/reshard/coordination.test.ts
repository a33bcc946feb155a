import { describe, expect, it } from 'vitest';
import { type InstanceStatus, planReshard } from './coordination.js';

const running = (instance: string, shards: number[], shardCount = 4, generation = 0): InstanceStatus => ({
  instance,
  shardCount,
  generation,
  shards,
});
const two = [running('a', [0, 1]), running('b', [2, 3])];
/** The even and the odd shards: counts other than multiples keep their guilds apart too. */
const interleaved = [running('a', [0, 2]), running('b', [1, 3])];

describe('planReshard', () => {
  it.each([
    // request -> new count
    [{ count: 8, recommended: 4 }, 8],
    [{ count: 12, recommended: 4 }, 12],
    [{ recommended: 5 }, 8],
    [{ recommended: 8 }, 8],
    [{ recommended: 9 }, 12],
    [{ recommended: 4, atLeast: 5 }, 8],
  ])('%j -> %i shards', (request, to) => {
    expect(planReshard(two, request)).toEqual({ from: 4, to, generation: 1, instances: ['a', 'b'] });
  });

  it.each([
    [{ count: 6, recommended: 4 }, 6],
    [{ recommended: 5 }, 6],
    [{ recommended: 7 }, 8],
    [{ count: 10, recommended: 4 }, 10],
  ])('even and odd shards: %j -> %i shards', (request, to) => {
    expect(planReshard(interleaved, request)).toMatchObject({ from: 4, to });
  });

  it.each([
    [
      two,
      { count: 6, recommended: 4 },
      /6 shards: shards 0 and 2 of the 4 running are run by different processes .* counts that keep each process's guilds on its own: 8, …/,
    ],
    [interleaved, { count: 5, recommended: 4 }, /5 shards: shards 0 and 1 .*: 6, 8, …/],
    [two, { count: 4, recommended: 4 }, /4 shards: a reshard goes above the 4 running \(8, …\)/],
    [two, { recommended: 3 }, /recommends 3 shards: the 4 running suffice/],
    [[], { recommended: 8 }, /no gateway process/],
    [[two[0]!], { recommended: 8 }, /no running process answered for shards 2, 3 of 4/],
    [[...two, running('c', [1])], { recommended: 8 }, /shards 1 are run by more than one process/],
    [[two[0]!, running('b', [4, 5, 6, 7], 8, 1)], { recommended: 8 }, /different layouts/],
    [
      [two[0]!, { ...two[1]!, reshard: { generation: 1, phase: 'loaded' as const } }],
      { recommended: 8 },
      /already under way/,
    ],
  ])('refuses %#', (statuses, request, error) => {
    expect(() => planReshard(statuses, request)).toThrow(error);
  });

  it('names the first 8 counts that qualify', () => {
    const evenOdd = [0, 1].map((p) =>
      running(
        `p${p}`,
        Array.from({ length: 16 }, (_, i) => 2 * i + p),
        32,
      ),
    );
    expect(() => planReshard(evenOdd, { count: 33, recommended: 4 })).toThrow(
      /: 34, 36, 38, 40, 42, 44, 46, 48, …$/,
    );
  });

  it('goes on after a failed reshard', () => {
    const failed = { ...two[1]!, reshard: { generation: 1, phase: 'failed' as const, error: 'x' } };
    expect(planReshard([two[0]!, failed], { count: 8, recommended: 4 }).to).toBe(8);
  });
});
