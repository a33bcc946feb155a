import { describe, expect, it } from 'vitest';
import { IdTable } from './IdTable.js';

describe('IdTable', () => {
  it('behaves like a Map under random sets and deletes, across growth', () => {
    const table = new IdTable<number>(4, true);
    const model = new Map<bigint, number>();
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    // Snowflake-like ids from a narrow window, so probe runs collide and wrap.
    const ids = Array.from(
      { length: 400 },
      (_, i) => (1_200_000_000_000_000_000n + BigInt(i % 2 === 0 ? i : i << 22)) as bigint,
    );
    for (let step = 0; step < 20_000; step++) {
      const id = ids[rand() % ids.length]!;
      if (rand() % 3 === 0) {
        expect(table.delete(id)).toBe(model.delete(id));
      } else {
        expect(table.set(id, step)).toBe(!model.has(id));
        model.set(id, step);
      }
      if (step % 997 === 0) {
        expect(table.size).toBe(model.size);
        for (const candidate of ids) expect(table.get(candidate)).toBe(model.get(candidate));
      }
    }
    expect(new Map(table.entries())).toEqual(model);
    expect([...table.sortedKeys()]).toEqual([...model.keys()].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('keeps a counter per entry, moved with it on delete and growth', () => {
    const table = new IdTable<string>(4, true);
    for (let i = 1n; i <= 50n; i++) table.set(i << 22n, `v${i}`);
    expect(table.count(5n << 22n, 2)).toBe(2);
    expect(table.count(5n << 22n, -1)).toBe(1);
    for (let i = 1n; i <= 50n; i += 2n) if (i !== 5n) table.delete(i << 22n);
    expect(table.count(5n << 22n, 0)).toBe(1);
    expect(table.get(6n << 22n)).toBe('v6');
  });

  it('refuses id 0 and ids beyond 64 bits', () => {
    const table = new IdTable<number>();
    expect(() => table.set(0n, 1)).toThrow(RangeError);
    expect(() => table.set(1n << 64n, 1)).toThrow(RangeError);
    expect(table.get(0n)).toBeUndefined();
  });
});
