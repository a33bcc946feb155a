/**
 * A JSON value carried as its text, parsed only when needed. The gateway puts a dispatch's `d` in
 * one when nothing on its own path reads it, so the parse happens on the consumer's side.
 * Transparent to consumers: the networked brokers splice the text into the encoded body
 * (`wireJson.ts`) and their consumers decode it with the rest; the memory broker parses it when it
 * delivers the message (`sharedBody.ts`); `JSON.stringify` elsewhere writes the value (`toJSON`).
 */
import { isAscii } from 'node:buffer';

const UNPARSED: unique symbol = Symbol('unparsed');

export class JsonText {
  /** A string, or the memory under UTF-8 bytes (held without the view over them: one object fewer). */
  readonly #source: string | ArrayBufferLike;
  readonly #start: number;
  readonly #end: number;
  #value: unknown = UNPARSED;

  /**
   * The JSON text `source[start, end)`. Given the whole payload and the bounds of its `d`, the slice
   * is only cut when read: a kept message then holds the payload alone, not also a sliced copy of it
   * (one heap object fewer per message waiting in a memory broker group). Bytes are UTF-8, decoded
   * when read: a message waiting in a group then keeps its text off the JS heap, where the garbage
   * collector neither copies nor promotes it. The bytes must not change afterwards.
   */
  constructor(source: string | Uint8Array, start = 0, end = source.length) {
    if (typeof source === 'string') {
      this.#source = source;
      this.#start = start;
      this.#end = end;
    } else {
      this.#source = source.buffer;
      this.#start = source.byteOffset + start;
      this.#end = source.byteOffset + end;
    }
  }

  get text(): string {
    const source = this.#source;
    if (typeof source !== 'string')
      return decodeUtf8(Buffer.from(source, this.#start, this.#end - this.#start));
    return this.#start === 0 && this.#end === source.length ? source : source.slice(this.#start, this.#end);
  }

  /** The parsed value, parsed once. Throws a SyntaxError when `text` is not JSON. */
  value(): unknown {
    if (this.#value === UNPARSED) this.#value = JSON.parse(this.text);
    return this.#value;
  }

  toJSON(): unknown {
    return this.value();
  }
}

/**
 * UTF-8 `bytes` as text. ASCII (most gateway payloads) is decoded as Latin-1, the same characters
 * for a plain copy, where V8's UTF-8 decoder costs several times more per small string.
 */
export function decodeUtf8(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}
