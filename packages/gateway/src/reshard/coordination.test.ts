import { describe, expect, it } from 'vitest';
import { type InstanceStatus, planReshard } from './coordination.js';

const running = (instance: string, shards: number[], shardCount = 4, generation = 0): InstanceStatus => ({
  instance,
  shardCount,
  generation,
  shards,
});
const two = [running('a', [0, 1]), running('b', [2, 3])];

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
    [two, { count: 6, recommended: 4 }, /6 shards: .* a multiple of the 4 running \(8, 12, …\)/],
    [two, { count: 4, recommended: 4 }, /a multiple of the 4 running/],
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

  it('goes on after a failed reshard', () => {
    const failed = { ...two[1]!, reshard: { generation: 1, phase: 'failed' as const, error: 'x' } };
    expect(planReshard([two[0]!, failed], { count: 8, recommended: 4 }).to).toBe(8);
  });
});
