import { describe, expect, it } from 'vitest';
import { ReplayBuffer } from './replayBuffer.js';

describe('ReplayBuffer', () => {
  it('replays after a seq, drops the oldest past its size, and says when a seq is gone', () => {
    const buffer = new ReplayBuffer();
    for (let s = 1; s <= 5000; s++) buffer.push(`#${s}`);
    expect(buffer.after(4998)).toEqual(['#4999', '#5000']);
    expect(buffer.after(5000)).toEqual([]);
    buffer.keepLast(1500); // drops 3,500: the array is compacted
    expect(buffer.length).toBe(1500);
    expect(buffer.after(3499)).toBeUndefined();
    expect(buffer.after(3500)?.[0]).toBe('#3501');
    buffer.push('#5001');
    buffer.keepLast(2);
    expect(buffer.after(4999)).toEqual(['#5000', '#5001']);
    expect(buffer.after(4998)).toBeUndefined();
  });
});
