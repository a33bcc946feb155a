import { describe, expect, it } from 'vitest';
import { PayloadInbox } from './PayloadInbox.js';

describe('PayloadInbox', () => {
  it('gives payloads back in order, intact after the source is reused, sharing slabs', () => {
    const inbox = new PayloadInbox();
    const source = Buffer.alloc(3_000);
    for (let i = 0; i < 100; i++) {
      source.fill(i);
      inbox.push(source);
    }
    source.fill(255);
    expect(inbox.length).toBe(100);
    const taken: Buffer[] = [];
    for (let i = 0; i < 100; i++) taken.push(inbox.shift() as Buffer);
    for (const [i, payload] of taken.entries()) expect(payload.equals(Buffer.alloc(3_000, i))).toBe(true);
    // 21 payloads of 3,000 bytes fit a 64 KiB slab: the 100 share five
    expect(new Set(taken.map((payload) => payload.buffer)).size).toBe(5);
    expect(inbox.shift()).toBeUndefined();
  });

  it('keeps its order across a wrap of the ring and its growth, errors in their places', () => {
    const inbox = new PayloadInbox();
    const error = new Error('corrupt frame');
    let pushed = 0;
    let shifted = 0;
    const take = () => {
      const payload = inbox.shift();
      if (shifted === 150) expect(payload).toBe(error);
      else expect((payload as Buffer).toString()).toBe(String(shifted));
      shifted++;
    };
    for (const [push, shift] of [
      [200, 190], // the head moves near the ring's end
      [900, 300], // wraps, then grows while wrapped
      [50, 660],
    ]) {
      for (let i = 0; i < push!; i++) {
        if (pushed === 150) inbox.pushError(error);
        else inbox.push(Buffer.from(String(pushed)));
        pushed++;
      }
      for (let i = 0; i < shift!; i++) take();
      expect(inbox.length).toBe(pushed - shifted);
    }
    expect(inbox.length).toBe(0);
  });

  it('gives a payload too large to share a slab its own memory, and drops everything on clear', () => {
    const inbox = new PayloadInbox();
    inbox.push(Buffer.from('{}'));
    inbox.push(Buffer.alloc(100_000, 1));
    inbox.push(Buffer.from('[]'));
    const small = inbox.shift() as Buffer;
    const large = inbox.shift() as Buffer;
    expect(large.buffer).not.toBe(small.buffer);
    expect(large.equals(Buffer.alloc(100_000, 1))).toBe(true);
    inbox.clear();
    expect(inbox.length).toBe(0);
    expect(inbox.shift()).toBeUndefined();
  });
});
