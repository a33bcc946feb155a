import { describe, expect, it, vi } from 'vitest';
import { perType } from './memo.js';

describe('perType', () => {
  it('makes a value once per type, up to the bound, then each time', () => {
    const make = vi.fn((t: string) => `events.${t}`);
    const of = perType(make, 2);
    expect([of('A'), of('A'), of('B'), of('B')]).toEqual(['events.A', 'events.A', 'events.B', 'events.B']);
    expect(make).toHaveBeenCalledTimes(2);
    expect([of('C'), of('C')]).toEqual(['events.C', 'events.C']);
    expect(make).toHaveBeenCalledTimes(4);
  });
});
