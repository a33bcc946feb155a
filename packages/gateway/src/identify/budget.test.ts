import { describe, expect, it } from 'vitest';
import { budgetWarning } from './budget.js';

describe('budgetWarning', () => {
  it.each([
    [999, 1000, undefined],
    [100, 1000, 'session start limit at 10%: 100 of 1000 left'],
    [99, 1000, undefined],
    [10, 1000, 'session start limit low: 10 of 1000 left'],
    [0, 1000, 'session start limit used up: further identifies wait for the reset'],
  ])('%i of %i', (remaining, total, expected) => {
    expect(budgetWarning(remaining, total)).toBe(expected);
  });
});
