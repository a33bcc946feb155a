/**
 * Messages waiting in one group. Unordered: one FIFO. Ordered: a FIFO per partition key, and a key
 * is handed out again only once its message in flight is settled, so one key never runs twice at
 * once while different keys do.
 */
import { Deque } from '../Deque.js';

export interface Partitioned {
  readonly seq: number;
  readonly partitionKey: string | undefined;
}

export class ReadyQueue<M extends Partitioned> {
  readonly #partitions = new Map<string, Deque<M>>();
  readonly #readyKeys = new Deque<string>();
  readonly #busy = new Set<string>();
  readonly #fifo = new Deque<M>();
  #size = 0;

  constructor(readonly ordered: boolean) {}

  get size(): number {
    return this.#size;
  }

  push(message: M): void {
    this.#size++;
    if (!this.ordered) {
      this.#fifo.push(message);
      return;
    }
    const key = keyOf(message);
    const queue = this.#partition(key);
    queue.push(message);
    if (queue.length === 1 && !this.#busy.has(key)) this.#readyKeys.push(key);
  }

  /** Puts a message that was in flight back at the head of its partition (before `release`). */
  requeue(message: M): void {
    this.#size++;
    if (!this.ordered) {
      this.#fifo.unshift(message);
      return;
    }
    this.#partition(keyOf(message)).unshift(message);
  }

  #partition(key: string): Deque<M> {
    let queue = this.#partitions.get(key);
    if (!queue) {
      queue = new Deque();
      this.#partitions.set(key, queue);
    }
    return queue;
  }

  /** The next message that may be delivered now, if any. */
  take(): M | undefined {
    if (!this.ordered) {
      const message = this.#fifo.shift();
      if (message) this.#size--;
      return message;
    }
    const key = this.#readyKeys.shift();
    if (key === undefined) return undefined;
    const queue = this.#partitions.get(key)!;
    const message = queue.shift()!;
    if (queue.length === 0) this.#partitions.delete(key);
    this.#busy.add(key);
    this.#size--;
    return message;
  }

  /** The message handed out by `take` is settled: its partition may go on. */
  release(message: M): void {
    if (!this.ordered) return;
    const key = keyOf(message);
    this.#busy.delete(key);
    if (this.#partitions.get(key)?.length) this.#readyKeys.push(key);
  }

  removeWhere(predicate: (message: M) => boolean): M[] {
    if (!this.ordered) {
      const removed = this.#fifo.removeWhere(predicate);
      this.#size -= removed.length;
      return removed;
    }
    const removed: M[] = [];
    for (const [key, queue] of this.#partitions) {
      removed.push(...queue.removeWhere(predicate));
      if (queue.length === 0) this.#partitions.delete(key);
    }
    this.#readyKeys.removeWhere((key) => !this.#partitions.has(key));
    this.#size -= removed.length;
    return removed;
  }

  /** Every waiting message, oldest partition heads first (no particular global order when ordered). */
  *[Symbol.iterator](): Iterator<M> {
    if (!this.ordered) return yield* this.#fifo;
    for (const queue of this.#partitions.values()) yield* queue;
  }
}

// A message without a partition key is a partition of its own: never held back.
function keyOf(message: Partitioned): string {
  return message.partitionKey === undefined ? `\u0000${message.seq}` : `k${message.partitionKey}`;
}
