import { describe, expect, it } from 'vitest';
import { RecentlyHandled } from './dedupe.js';

describe('RecentlyHandled', () => {
  it('remembers each handler of each envelope separately', () => {
    const seen = new RecentlyHandled(10);
    seen.add('e1', 'raw#0');
    expect(seen.has('e1', 'raw#0')).toBe(true);
    expect(seen.has('e1', 'command:ping')).toBe(false);
    expect(seen.has('e2', 'raw#0')).toBe(false);
  });

  it('forgets the oldest envelopes past its capacity', () => {
    const seen = new RecentlyHandled(2);
    seen.add('e1', 'h');
    seen.add('e2', 'h');
    seen.add('e2', 'other');
    seen.add('e3', 'h');
    expect(seen.size).toBe(2);
    expect(seen.has('e1', 'h')).toBe(false);
    expect(seen.has('e2', 'other')).toBe(true);
    expect(seen.has('e3', 'h')).toBe(true);
  });

  it('remembers nothing with capacity 0', () => {
    const seen = new RecentlyHandled(0);
    seen.add('e1', 'h');
    expect(seen.has('e1', 'h')).toBe(false);
  });

  it('rejects a negative or fractional capacity', () => {
    expect(() => new RecentlyHandled(-1)).toThrow(RangeError);
    expect(() => new RecentlyHandled(1.5)).toThrow(RangeError);
  });
});
