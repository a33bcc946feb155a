import { describe, expect, it } from 'vitest';
import { partitionOf } from './partition.js';

describe('partitions', () => {
  it.each([
    ['41771983423143936', 1024, Number((41771983423143936n >> 22n) % 1024n)],
    ['41771983423143936', 1, 0],
    ['175928847299117063', 16, Number((175928847299117063n >> 22n) % 16n)],
  ])('partitionOf(%s, %i) = %i', (guild, count, expected) => {
    expect(partitionOf(guild, count)).toBe(expected);
  });
});
