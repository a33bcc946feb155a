/** The messages of one channel, ordered by id, with Discord's `before`/`after`/`around`/`limit` paging. */
import { compareIds } from './ids.js';
import type { MessageRecord } from './records.js';

export interface MessageQuery {
  before?: string;
  after?: string;
  around?: string;
  limit: number;
}

export class MessageLog {
  readonly #ordered: string[] = [];
  readonly #byId = new Map<string, MessageRecord>();

  get size(): number {
    return this.#ordered.length;
  }

  add(record: MessageRecord): void {
    const id = record.message.id;
    const at = this.#insertionPoint(id);
    this.#ordered.splice(at, 0, id);
    this.#byId.set(id, record);
  }

  get(id: string): MessageRecord | undefined {
    return this.#byId.get(id);
  }

  delete(id: string): MessageRecord | undefined {
    const record = this.#byId.get(id);
    if (!record) return undefined;
    this.#byId.delete(id);
    const at = this.#insertionPoint(id);
    if (this.#ordered[at] === id) this.#ordered.splice(at, 1);
    return record;
  }

  /** Oldest first. */
  all(): MessageRecord[] {
    return this.#ordered.map((id) => this.#byId.get(id)!);
  }

  /** The newest message id, if any. */
  lastId(): string | undefined {
    return this.#ordered.at(-1);
  }

  /** Discord's order: newest first, whichever of before/after/around is given. */
  query({ before, after, around, limit }: MessageQuery): MessageRecord[] {
    let ids: string[];
    if (around !== undefined) {
      // Half the limit older than `around`, the rest from `around` (included when it exists) on.
      const at = this.#insertionPoint(around);
      const olderCount = Math.floor(limit / 2);
      const older = this.#ordered.slice(Math.max(0, at - olderCount), at);
      const newer = this.#ordered.slice(at, at + (limit - older.length));
      ids = [...older, ...newer];
    } else if (after !== undefined) {
      const at = this.#upperBound(after);
      ids = this.#ordered.slice(at, at + limit);
    } else {
      const end = before === undefined ? this.#ordered.length : this.#insertionPoint(before);
      ids = this.#ordered.slice(Math.max(0, end - limit), end);
    }
    return ids.reverse().map((id) => this.#byId.get(id)!);
  }

  /** First index whose id is >= `id`. */
  #insertionPoint(id: string): number {
    let lo = 0;
    let hi = this.#ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.#ordered[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First index whose id is > `id`. */
  #upperBound(id: string): number {
    const at = this.#insertionPoint(id);
    return this.#ordered[at] === id ? at + 1 : at;
  }
}
