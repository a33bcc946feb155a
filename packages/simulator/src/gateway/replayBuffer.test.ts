import { describe, expect, it } from 'vitest';
import { payloadStart } from './frames.js';
import { type FrameSink, ReplayBuffer } from './replayBuffer.js';

/** The payload texts of the frames `buffer` replays after `seq`, or undefined when it cannot. */
function after(buffer: ReplayBuffer, seq: number): string[] | undefined {
  const texts: string[] = [];
  const sink: FrameSink = {
    sendFrame: (frames, start, end) => texts.push(frames.toString('utf8', payloadStart(frames, start), end)),
  };
  return buffer.replay(seq, sink) ? texts : undefined;
}

describe('ReplayBuffer', () => {
  it('replays after a seq, drops the oldest past its size, and says when a seq is gone', () => {
    const buffer = new ReplayBuffer();
    for (let s = 1; s <= 5000; s++) buffer.push(`#${s}`);
    expect(after(buffer, 4998)).toEqual(['#4999', '#5000']);
    expect(after(buffer, 5000)).toEqual([]);
    buffer.keepLast(1500); // drops 3,500: the arrays are compacted
    expect(buffer.length).toBe(1500);
    expect(after(buffer, 3499)).toBeUndefined();
    expect(after(buffer, 3500)?.[0]).toBe('#3501');
    buffer.push('#5001');
    buffer.keepLast(2);
    expect(after(buffer, 4999)).toEqual(['#5000', '#5001']);
    expect(after(buffer, 4998)).toBeUndefined();
  });

  it('writes each dispatch as a complete text frame, across chunks and at every header size', () => {
    const buffer = new ReplayBuffer();
    // 2-, 4- and 10-byte headers; multi-byte UTF-8; more than one 64 KiB chunk.
    const texts = ['x', 'é'.repeat(70), 'a'.repeat(200), `"${'😀'.repeat(20_000)}"`, 'b'.repeat(70_000)];
    for (let i = 0; i < 40; i++) texts.push(`{"n":${i},"pad":"${'z'.repeat(3000)}"}`);
    const frames: Buffer[] = [];
    for (const text of texts)
      buffer.push(text, { sendFrame: (chunk, start, end) => frames.push(chunk.subarray(start, end)) });
    expect(frames).toHaveLength(texts.length);
    for (const [i, frame] of frames.entries()) {
      const payload = Buffer.from(texts[i]!);
      expect(frame[0]).toBe(0x81);
      const marker = frame[1]!;
      const [length, at] =
        marker === 127
          ? [frame.readUInt32BE(2) * 2 ** 32 + frame.readUInt32BE(6), 10]
          : marker === 126
            ? [frame.readUInt16BE(2), 4]
            : [marker, 2];
      expect(length).toBe(payload.length);
      expect(frame.subarray(at).equals(payload)).toBe(true);
    }
    expect(after(buffer, 0)).toEqual(texts);
  });
});
