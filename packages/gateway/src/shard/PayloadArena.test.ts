import { describe, expect, it } from 'vitest';
import { PayloadArena } from './PayloadArena.js';

describe('PayloadArena', () => {
  it('returns copies that stay intact when the source is reused, across slabs', () => {
    const arena = new PayloadArena();
    const source = Buffer.alloc(3_000);
    const copies: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      source.fill(i);
      copies.push(arena.copy(source));
    }
    source.fill(255);
    for (const [i, copy] of copies.entries()) expect(copy.equals(Buffer.alloc(3_000, i))).toBe(true);
    // 21 copies of 3,000 bytes fit a 64 KiB slab: the 100 share five
    expect(new Set(copies.map((copy) => copy.buffer)).size).toBe(5);
  });

  it('gives a payload too large to share a slab its own memory', () => {
    const arena = new PayloadArena();
    const small = arena.copy(Buffer.from('{}'));
    const large = arena.copy(Buffer.alloc(100_000, 1));
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.equals(Buffer.alloc(100_000, 1))).toBe(true);
    expect(arena.copy(Buffer.from('[]')).buffer).toBe(small.buffer);
  });
});
