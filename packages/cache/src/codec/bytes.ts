/**
 * Byte-level writer and reader for packed entities. A packed entity is a latin1 string (one byte
 * per character): V8 keeps it as one flat one-byte string in memory, and Redis stores its bytes.
 */

const encoder = new TextEncoder();
const NON_ASCII = /[\u0080-\uffff]/;

export class ByteWriter {
  #buf = Buffer.allocUnsafe(256);
  #len = 0;

  #room(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#len + n));
    this.#buf.copy(next, 0, 0, this.#len);
    this.#buf = next;
  }

  byte(value: number): void {
    this.#room(1);
    this.#buf[this.#len++] = value & 0xff;
  }

  /** Unsigned varint of a non-negative safe integer. */
  uvarint(value: number): void {
    this.#room(8);
    while (value >= 0x80) {
      this.#buf[this.#len++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.#buf[this.#len++] = value;
  }

  /** Signed varint (zigzag) of a safe integer. */
  svarint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** Unsigned varint of a non-negative bigint (permission bit sets). */
  bigvarint(value: bigint): void {
    while (value >= 0x80n) {
      this.byte(Number(value & 0x7fn) | 0x80);
      value >>= 7n;
    }
    this.byte(Number(value));
  }

  /** A 64-bit snowflake, little-endian. */
  id(value: string): void {
    const n = BigInt(value);
    if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`not a snowflake: ${value}`);
    this.#room(8);
    this.#buf.writeBigUInt64LE(n, this.#len);
    this.#len += 8;
  }

  raw(bytes: Uint8Array): void {
    this.#room(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  str(value: string): void {
    if (!NON_ASCII.test(value)) {
      this.uvarint(value.length);
      this.#room(value.length);
      this.#len += this.#buf.write(value, this.#len, 'latin1');
      return;
    }
    const bytes = encoder.encode(value);
    this.uvarint(bytes.length);
    this.raw(bytes);
  }

  /** Overwrites one byte already written (masks filled in after the fields). */
  patch(at: number, value: number): void {
    this.#buf[at] = value;
  }

  get length(): number {
    return this.#len;
  }

  reset(): void {
    this.#len = 0;
  }

  /** The bytes so far as a flat latin1 string, and resets the writer for reuse. */
  finish(): string {
    const out = this.#buf.toString('latin1', 0, this.#len);
    this.#len = 0;
    return out;
  }
}

export class ByteReader {
  pos = 0;
  constructor(private readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }

  byte(): number {
    if (this.pos >= this.s.length) throw new RangeError('packed entity truncated');
    return this.s.charCodeAt(this.pos++);
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 0x80;
    }
  }

  svarint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  bigvarint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  }

  idBig(): bigint {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 4; i++) lo += this.byte() * 2 ** (8 * i);
    for (let i = 0; i < 4; i++) hi += this.byte() * 2 ** (8 * i);
    return (BigInt(hi) << 32n) | BigInt(lo);
  }

  id(): string {
    return this.idBig().toString();
  }

  bytes(n: number): string {
    if (this.pos + n > this.s.length) throw new RangeError('packed entity truncated');
    const out = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  str(): string {
    const raw = this.bytes(this.uvarint());
    return NON_ASCII.test(raw) ? Buffer.from(raw, 'latin1').toString('utf8') : raw;
  }
}
