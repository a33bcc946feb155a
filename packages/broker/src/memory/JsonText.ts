/**
 * A JSON value carried as its text, parsed only when needed. The gateway puts a dispatch's `d` in
 * one when nothing on its own path reads it, so the parse happens on the consumer's side.
 * Transparent to consumers: the networked brokers splice the text into the encoded body
 * (`wireJson.ts`) and their consumers decode it with the rest; the memory broker parses it when it
 * delivers the message (`sharedBody.ts`); `JSON.stringify` elsewhere writes the value (`toJSON`).
 */
const UNPARSED: unique symbol = Symbol('unparsed');

export class JsonText {
  #value: unknown = UNPARSED;

  constructor(readonly text: string) {}

  /** The parsed value, parsed once. Throws a SyntaxError when `text` is not JSON. */
  value(): unknown {
    if (this.#value === UNPARSED) this.#value = JSON.parse(this.text);
    return this.#value;
  }

  toJSON(): unknown {
    return this.value();
  }
}
