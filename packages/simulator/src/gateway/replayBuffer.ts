/**
 * A session's dispatches kept for RESUME, each written once as a WebSocket text frame into
 * off-heap chunks: a connection sends a frame straight from its chunk (no copy, no encoding at send
 * time), a RESUME replays the frames after a seq from there, and the GC never copies or traces what
 * sessions keep (a load keeps millions of dispatches; as strings they were most of its GC work).
 */
import { CHUNK_BYTES, chunkPool } from './chunkPool.js';
import { frameHeaderLength, writeFrameHeader } from './frames.js';

/** Takes frames: `frames[start, end)` is one complete text frame (or several, back to back). */
export interface FrameSink {
  sendFrame(frames: Buffer, start: number, end: number): void;
}

export class ReplayBuffer {
  /** The chunk being filled, and how much of it is used. */
  #chunk: Buffer = Buffer.alloc(0);
  #used = 0;
  /** Each kept frame's chunk, start and end, in seq order from `#head`. */
  #chunks: Buffer[] = [];
  #starts: number[] = [];
  #ends: number[] = [];
  #head = 0;
  /** The seq of the frame at `#head`. */
  #firstSeq = 1;

  get length(): number {
    return this.#chunks.length - this.#head;
  }

  /** Appends dispatch `firstSeq + length` as a frame, and sends that frame to `to` if given. */
  push(text: string, to?: FrameSink): void {
    const length = Buffer.byteLength(text);
    const size = frameHeaderLength(length) + length;
    if (this.#chunk.length - this.#used < size) {
      this.#chunk = chunkPool.take(Math.max(CHUNK_BYTES, size));
      this.#used = 0;
    }
    const chunk = this.#chunk;
    const start = this.#used;
    const at = writeFrameHeader(chunk, start, length);
    chunk.write(text, at, length, 'utf8');
    this.#used = at + length;
    this.#chunks.push(chunk);
    this.#starts.push(start);
    this.#ends.push(this.#used);
    to?.sendFrame(chunk, start, this.#used);
  }

  /** Drops the oldest frames until at most `max` are kept. */
  keepLast(max: number): void {
    const drop = this.length - max;
    if (drop <= 0) return;
    this.#head += drop;
    this.#firstSeq += drop;
    // Compacted now and then (dropping the oldest is a moving head), which also lets old chunks go.
    if (this.#head >= 1024 && this.#head * 2 >= this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#starts = this.#starts.slice(this.#head);
      this.#ends = this.#ends.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * Sends the frames of the dispatches after `seq` to `to`, in order; false (nothing sent) when some
   * of them are no longer kept.
   */
  replay(seq: number, to: FrameSink): boolean {
    if (seq + 1 < this.#firstSeq) return false;
    for (let i = this.#head + (seq + 1 - this.#firstSeq); i < this.#chunks.length; i++)
      to.sendFrame(this.#chunks[i]!, this.#starts[i]!, this.#ends[i]!);
    return true;
  }
}
