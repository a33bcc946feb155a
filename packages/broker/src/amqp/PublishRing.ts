/**
 * The publishes a publisher holds, oldest first, in parallel arrays of a growable ring: a publish
 * lives here from `publish` to its confirm (~50 ms, long enough for per-publish objects to be
 * promoted by the garbage collector), so it is stored as array entries, not as an object.
 */
import { type BodyPlace, BodySlabs } from './BodySlabs.js';

export const WAITING = 1;
export const SENT = 2;
export const SETTLED = 3;

const INITIAL_CAPACITY = 1024;

export class PublishRing {
  /** Slots in use, oldest first from `head`: waiting, sent, or settled out of order behind an older one. */
  size = 0;
  head = 0;
  #capacity = INITIAL_CAPACITY;
  #mask = INITIAL_CAPACITY - 1;
  exchange: string[] = [];
  routingKey: string[] = [];
  messageId: (string | undefined)[] = [];
  headers: (Record<string, unknown> | undefined)[] = [];
  resolve: ((() => void) | undefined)[] = [];
  reject: (((error: Error) => void) | undefined)[] = [];
  slab: (Buffer | undefined)[] = [];
  offset = new Int32Array(INITIAL_CAPACITY);
  length = new Int32Array(INITIAL_CAPACITY);
  startedAt = new Float64Array(INITIAL_CAPACITY);
  /** The confirm's delivery tag on the channel the publish was last sent on. */
  tag = new Float64Array(INITIAL_CAPACITY);
  state = new Uint8Array(INITIAL_CAPACITY);
  readonly #bodies = new BodySlabs();
  readonly #place: BodyPlace = { slab: Buffer.alloc(0), offset: 0, length: 0 };

  /** The slot `n` places after the oldest. */
  at(n: number): number {
    return (this.head + n) & this.#mask;
  }

  /** Appends a waiting publish; returns its slot. */
  push(
    exchange: string,
    routingKey: string,
    body: string | Buffer,
    messageId: string | undefined,
    headers: Record<string, unknown> | undefined,
    resolve: () => void,
    reject: (error: Error) => void,
  ): number {
    if (this.size === this.#capacity) this.#grow();
    const slot = this.at(this.size++);
    this.#bodies.write(body, this.#place);
    this.exchange[slot] = exchange;
    this.routingKey[slot] = routingKey;
    this.messageId[slot] = messageId;
    this.headers[slot] = headers;
    this.resolve[slot] = resolve;
    this.reject[slot] = reject;
    this.slab[slot] = this.#place.slab;
    this.offset[slot] = this.#place.offset;
    this.length[slot] = this.#place.length;
    this.startedAt[slot] = performance.now();
    this.state[slot] = WAITING;
    return slot;
  }

  /** The body of a slot, as a view for sending (amqplib copies it into its frame at once). */
  body(slot: number): Buffer {
    return this.slab[slot]!.subarray(this.offset[slot]!, this.offset[slot]! + this.length[slot]!);
  }

  /** Marks a slot settled and lets go of what it held (its callbacks are read before). */
  settle(slot: number): void {
    this.state[slot] = SETTLED;
    this.resolve[slot] = undefined;
    this.reject[slot] = undefined;
    this.slab[slot] = undefined;
    this.headers[slot] = undefined;
    this.messageId[slot] = undefined;
  }

  /** Drops settled slots from the front; returns how many. */
  dropSettled(): number {
    let dropped = 0;
    while (this.size > 0 && this.state[this.head] === SETTLED) {
      this.state[this.head] = 0;
      this.head = (this.head + 1) & this.#mask;
      this.size--;
      dropped++;
    }
    if (this.size === 0) this.head = 0;
    return dropped;
  }

  #grow(): void {
    const capacity = this.#capacity * 2;
    const order = Array.from({ length: this.size }, (_, n) => this.at(n));
    const reorder = <T>(values: T[]): T[] => order.map((slot) => values[slot]!);
    this.exchange = reorder(this.exchange);
    this.routingKey = reorder(this.routingKey);
    this.messageId = reorder(this.messageId);
    this.headers = reorder(this.headers);
    this.resolve = reorder(this.resolve);
    this.reject = reorder(this.reject);
    this.slab = reorder(this.slab);
    const retype = <A extends Int32Array | Float64Array | Uint8Array>(
      values: A,
      make: (n: number) => A,
    ): A => {
      const next = make(capacity);
      order.forEach((slot, n) => {
        next[n] = values[slot]!;
      });
      return next;
    };
    this.offset = retype(this.offset, (n) => new Int32Array(n));
    this.length = retype(this.length, (n) => new Int32Array(n));
    this.startedAt = retype(this.startedAt, (n) => new Float64Array(n));
    this.tag = retype(this.tag, (n) => new Float64Array(n));
    this.state = retype(this.state, (n) => new Uint8Array(n));
    this.#capacity = capacity;
    this.#mask = capacity - 1;
    this.head = 0;
  }
}
