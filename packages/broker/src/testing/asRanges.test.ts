import { describe, expect, it } from 'vitest';
import { asRanges } from './loss.js';

describe('asRanges', () => {
  it.each([
    [[], []],
    [['e0'], ['e0']],
    [['e0', 'e1', 'e2'], ['e0-e2']],
    [
      ['e1', 'e2', 'e3', 'e7', 'e9', 'e10'],
      ['e1-e3', 'e7', 'e9-e10'],
    ],
  ])('%j → %j', (ids, ranges) => {
    expect(asRanges(ids)).toEqual(ranges);
  });
});
