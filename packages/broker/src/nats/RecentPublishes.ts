/**
 * Confirmed publishes kept to be sent again if the connection drops (see RESEND_WINDOW_MS), oldest
 * first, in the parallel arrays of a growable ring: a publish stays here ~2 s, so it is kept as
 * array entries (its subject, bytes and id), not as its record, promise and callbacks.
 */
import type { MsgHdrs } from 'nats';

export type Resend = (
  subject: string,
  data: Uint8Array,
  msgID: string,
  headers: MsgHdrs | undefined,
  routingKey: string,
) => void;

const INITIAL_CAPACITY = 1024;

export class RecentPublishes {
  #head = 0;
  #size = 0;
  #mask = INITIAL_CAPACITY - 1;
  #subject: (string | undefined)[] = [];
  #data: (Uint8Array | undefined)[] = [];
  #msgID: (string | undefined)[] = [];
  #headers: (MsgHdrs | undefined)[] = [];
  #routingKey: (string | undefined)[] = [];
  #at = new Float64Array(INITIAL_CAPACITY);

  push(
    subject: string,
    data: Uint8Array,
    msgID: string,
    headers: MsgHdrs | undefined,
    routingKey: string,
    at: number,
  ): void {
    if (this.#size > this.#mask) this.#grow();
    const slot = (this.#head + this.#size++) & this.#mask;
    this.#subject[slot] = subject;
    this.#data[slot] = data;
    this.#msgID[slot] = msgID;
    this.#headers[slot] = headers;
    this.#routingKey[slot] = routingKey;
    this.#at[slot] = at;
  }

  /** Drops the oldest while there are more than `max`, then those confirmed before `before`. */
  forget(before: number, max: number): void {
    while (this.#size > max || (this.#size > 0 && this.#at[this.#head]! < before)) this.#dropOldest();
  }

  /** Hands every kept publish to `resend`, oldest first, and forgets them. */
  takeAll(resend: Resend): void {
    while (this.#size > 0) {
      const slot = this.#head;
      resend(
        this.#subject[slot]!,
        this.#data[slot]!,
        this.#msgID[slot]!,
        this.#headers[slot],
        this.#routingKey[slot]!,
      );
      this.#dropOldest();
    }
  }

  clear(): void {
    while (this.#size > 0) this.#dropOldest();
  }

  #dropOldest(): void {
    const slot = this.#head;
    this.#subject[slot] = undefined;
    this.#data[slot] = undefined;
    this.#msgID[slot] = undefined;
    this.#headers[slot] = undefined;
    this.#routingKey[slot] = undefined;
    this.#head = (slot + 1) & this.#mask;
    this.#size--;
  }

  #grow(): void {
    const order = Array.from({ length: this.#size }, (_, n) => (this.#head + n) & this.#mask);
    const reorder = <T>(values: T[]): T[] => order.map((slot) => values[slot]!);
    this.#subject = reorder(this.#subject);
    this.#data = reorder(this.#data);
    this.#msgID = reorder(this.#msgID);
    this.#headers = reorder(this.#headers);
    this.#routingKey = reorder(this.#routingKey);
    const at = new Float64Array((this.#mask + 1) * 2);
    order.forEach((slot, n) => {
      at[n] = this.#at[slot]!;
    });
    this.#at = at;
    this.#mask = at.length - 1;
    this.#head = 0;
  }
}
