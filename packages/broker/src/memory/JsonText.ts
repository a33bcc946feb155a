/**
 * A JSON value carried as its text, parsed only when needed. The gateway puts a dispatch's `d` in
 * one when nothing on its own path reads it, so the parse happens on the consumer's side.
 * Transparent to consumers: the networked brokers splice the text into the encoded body
 * (`wireJson.ts`) and their consumers decode it with the rest; the memory broker parses it when it
 * delivers the message (`sharedBody.ts`); `JSON.stringify` elsewhere writes the value (`toJSON`).
 */
const UNPARSED: unique symbol = Symbol('unparsed');

export class JsonText {
  readonly #source: string;
  readonly #start: number;
  readonly #end: number;
  #value: unknown = UNPARSED;

  /**
   * The JSON text `source.slice(start, end)`. Given the whole payload and the bounds of its `d`, the
   * slice is only cut when read: a kept message then holds the payload string alone, not also a
   * sliced string of it (one heap object fewer per message waiting in a memory broker group).
   */
  constructor(source: string, start = 0, end = source.length) {
    this.#source = source;
    this.#start = start;
    this.#end = end;
  }

  get text(): string {
    const source = this.#source;
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
