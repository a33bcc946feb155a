import { execFileSync } from 'node:child_process';
import { constants, createDeflate } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createInflater } from './index.js';
import { endsWithSyncFlush } from './zlibStream.js';

async function deflateStream(messages: string[]): Promise<Buffer[]> {
  const deflate = createDeflate({ flush: constants.Z_SYNC_FLUSH });
  const out: Buffer[] = [];
  for (const message of messages) {
    deflate.write(message);
    await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    out.push(deflate.read() as Buffer);
  }
  deflate.destroy();
  return out;
}

describe('zlib-stream', () => {
  it('recognises the Z_SYNC_FLUSH suffix', () => {
    expect(endsWithSyncFlush(Uint8Array.of(1, 0, 0, 0xff, 0xff))).toBe(true);
    expect(endsWithSyncFlush(Uint8Array.of(0, 0xff, 0xff))).toBe(false);
    expect(endsWithSyncFlush(Uint8Array.of(1, 0, 0, 0xff, 0xfe))).toBe(false);
  });

  it('decodes payloads split over several frames, sharing one context', async () => {
    const messages = [
      JSON.stringify({ op: 10, d: { heartbeat_interval: 41250 } }),
      // larger than the inflater's output buffer, and not ASCII
      JSON.stringify({ op: 0, t: 'MESSAGE_CREATE', d: { content: 'é✓'.repeat(100_000) } }),
      JSON.stringify({ op: 11 }),
    ];
    const frames = await deflateStream(messages);
    const inflater = createInflater('zlib-stream')!;
    const decoded: string[] = [];
    for (const frame of frames) {
      const cut = Math.floor(frame.length / 3);
      expect(inflater.push(frame.subarray(0, cut))).toBeNull();
      const bytes = inflater.push(frame.subarray(cut));
      if (bytes !== null) decoded.push(bytes.toString());
    }
    expect(decoded).toEqual(messages);
    inflater.close();
  });

  it('decodes one payload per frame, in order, over a long stream', async () => {
    const messages = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ op: 0, s: i, t: 'MESSAGE_CREATE', d: { content: `}{"${i}`, n: 'x'.repeat(i * 50) } }),
    );
    const frames = await deflateStream(messages);
    const inflater = createInflater('zlib-stream')!;
    expect(frames.map((frame) => inflater.push(frame)?.toString())).toEqual(messages);
    inflater.close();
  });

  it('throws on corrupt input, and from then on', () => {
    const inflater = createInflater('zlib-stream')!;
    expect(() => inflater.push(Buffer.from([1, 2, 3, 4, 0, 0, 0xff, 0xff]))).toThrow(/header/);
    expect(() => inflater.push(Buffer.from([0x78, 0x9c, 0, 0, 0xff, 0xff]))).toThrow(/header/);
    inflater.close();
    expect(() => createInflater('zlib-stream')!.push(Buffer.from([0x78, 0x9c]))).not.toThrow();
  });

  it('refuses frames after close', () => {
    const inflater = createInflater('zlib-stream')!;
    inflater.close();
    expect(() => inflater.push(Buffer.from([0x78, 0x9c, 0, 0, 0xff, 0xff]))).toThrow(/closed/);
  });
});

const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasZstd)('zstd-stream', () => {
  it('decodes each message of a stream as it arrives', () => {
    // Node 20 cannot compress zstd; the zstd tool makes one frame per message (a valid zstd stream).
    const messages = [JSON.stringify({ op: 10, d: { heartbeat_interval: 1 } }), JSON.stringify({ op: 11 })];
    const inflater = createInflater('zstd-stream')!;
    const decoded = messages.map((m) =>
      inflater.push(execFileSync('zstd', ['-c', '-q'], { input: m }))?.toString(),
    );
    expect(decoded).toEqual(messages);
  });
});
