/**
 * JetStream publishing, pipelined: up to `maxInFlight` publishes wait for their acks at once.
 * A publish that fails for want of a connection is retried with backoff (the stream drops the
 * duplicate by `Nats-Msg-Id`); the queue of publishes is bounded and the caller waits when it is full.
 * Publishes confirmed shortly before the connection drops are sent again (see RESEND_WINDOW_MS).
 *
 * Per publish the path allocates what JetStream needs and one record; a confirmed publish is
 * remembered for the resend window in arrays (`RecentPublishes`), not as its record and promise,
 * which would otherwise live ~2 s, long enough for the garbage collector to promote them.
 */
import type { Logger } from '@shardwire/core';
import type { JetStreamClient, MsgHdrs } from 'nats';
import { Deque } from '../Deque.js';
import { BrokerClosedError, PublishRejectedError } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import { RecentPublishes } from './RecentPublishes.js';

interface Pending {
  subject: string;
  data: Uint8Array;
  msgID: string;
  headers: MsgHdrs | undefined;
  routingKey: string;
  startedAt: number;
  attempts: number;
  /** A publish sent again after the connection was lost (its caller was answered already). */
  resend: boolean;
  resolve(): void;
  reject(error: Error): void;
}

/** Publishes waiting for their acks at once. */
export const MAX_IN_FLIGHT = 2_048;
/**
 * How long a confirmed publish is kept to be sent again if the connection drops just after. A
 * nats-server (2.9) stopped with SIGTERM shuts JetStream down before it closes client connections:
 * publishes it acknowledges in that gap (tens of ms) can be missing from the stream after it starts
 * again (seen in the loss test: 97 acked sequences gone). Sent again with their `Nats-Msg-Id`, the
 * stream drops the ones it still has; the others are stored (again).
 */
export const RESEND_WINDOW_MS = 2_000;

export class NatsPublisher {
  /** Publishes to send, oldest first; at most `limit` (the rest are held). */
  readonly #queue = new Deque<Pending>();
  /** Publishes that came while the queue was full: moved to it, in call order, as it empties. */
  readonly #held = new Deque<Pending>();
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  readonly #retryTimers = new Set<NodeJS.Timeout>();
  /** Publishes confirmed in the last RESEND_WINDOW_MS (at most `limit`), oldest first. */
  readonly #recent = new RecentPublishes();

  constructor(
    private readonly js: JetStreamClient,
    private readonly limit: number,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger | undefined,
    /** Milliseconds, for the resend window (injectable for tests). */
    private readonly now: () => number = () => performance.now(),
  ) {}

  get pending(): number {
    return this.#queue.length + this.#held.length + this.#inFlight + this.#retryTimers.size;
  }

  publish(
    subject: string,
    data: Uint8Array,
    msgID: string,
    headers: MsgHdrs | undefined,
    routingKey: string,
    countAsPublished = true,
  ): Promise<void> {
    if (this.#closed) return Promise.reject(new BrokerClosedError());
    if (countAsPublished) this.metrics.published();
    return new Promise((resolve, reject) => {
      const item = pending(subject, data, msgID, headers, routingKey, false, resolve, reject);
      // Nobody overtakes a held publish: past the limit, publishes wait in call order.
      if (this.#held.length === 0 && this.#queue.length < this.limit) this.#queue.push(item);
      else this.#held.push(item);
      this.#pump();
    });
  }

  async drain(timeoutMs: number): Promise<void> {
    if (this.pending > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.#idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    this.#closed = true;
    this.#recent.clear();
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    const left = [...this.#queue.takeAll(), ...this.#held.takeAll()];
    for (const item of left) item.reject(new BrokerClosedError());
  }

  #pump(): void {
    for (;;) {
      while (this.#inFlight < MAX_IN_FLIGHT && this.#queue.length > 0) this.#send(this.#queue.shift()!);
      if (this.#held.length === 0 || this.#queue.length >= this.limit) return;
      while (this.#held.length > 0 && this.#queue.length < this.limit) this.#queue.push(this.#held.shift()!);
    }
  }

  #send(item: Pending): void {
    this.#inFlight++;
    item.attempts++;
    this.js
      .publish(
        item.subject,
        item.data,
        item.headers ? { msgID: item.msgID, headers: item.headers } : { msgID: item.msgID },
      )
      .then(
        () => this.#acked(item),
        (error: Error) => this.#failed(item, error),
      );
  }

  #acked(item: Pending): void {
    if (!item.resend) this.metrics.confirmed(performance.now() - item.startedAt);
    const now = this.now();
    this.#recent.push(item.subject, item.data, item.msgID, item.headers, item.routingKey, now);
    this.#recent.forget(now - RESEND_WINDOW_MS, this.limit);
    item.resolve();
    this.#settled();
  }

  #settled(): void {
    this.#inFlight--;
    this.#pump();
    if (this.pending === 0) for (const done of this.#idleWaiters.splice(0)) done();
  }

  /**
   * The connection dropped: publishes the server confirmed just before may not have reached its
   * disk, so they are sent again (same ids: the stream drops those it holds). Callers were answered
   * already; a consumer may see a message twice, as after any redelivery.
   */
  connectionLost(): void {
    if (this.#closed) return;
    this.#recent.forget(this.now() - RESEND_WINDOW_MS, this.limit);
    const again: Pending[] = [];
    const lost = (error: Error) =>
      this.logger?.error({ err: { message: error.message } }, 'could not send a confirmed publish again');
    this.#recent.takeAll((subject, data, msgID, headers, routingKey) =>
      again.push(pending(subject, data, msgID, headers, routingKey, true, () => {}, lost)),
    );
    if (again.length === 0) return;
    this.logger?.warn(
      { count: again.length },
      'NATS connection lost: sending recently confirmed publishes again',
    );
    for (let i = again.length - 1; i >= 0; i--) this.#queue.unshift(again[i]!);
    this.#pump();
  }

  #failed(item: Pending, error: Error): void {
    this.#retryOrReject(item, error);
    // After a retry is scheduled, so that `pending` counts it.
    this.#settled();
  }

  #retryOrReject(item: Pending, error: Error): void {
    const api = (error as { api_error?: { err_code?: number; description?: string } }).api_error;
    // 10077 maximum messages, 10047 maximum bytes: the stream refuses it (DiscardPolicy.New).
    if (api?.err_code === 10077 || api?.err_code === 10047 || /exceeded/i.test(api?.description ?? '')) {
      this.metrics.rejected();
      item.reject(new PublishRejectedError(item.routingKey, 'the stream is full'));
      return;
    }
    if (this.#closed) {
      item.reject(new BrokerClosedError());
      return;
    }
    // Disconnected, timed out, or the stream is being recreated: try again, the id dedupes it.
    const delay = Math.min(2_000, 50 * 2 ** Math.min(item.attempts, 6));
    if (item.attempts === 3)
      this.logger?.warn({ err: { message: error.message } }, 'JetStream publish failing, retrying');
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      this.#queue.unshift(item);
      this.#pump();
    }, delay);
    this.#retryTimers.add(timer);
  }
}

function pending(
  subject: string,
  data: Uint8Array,
  msgID: string,
  headers: MsgHdrs | undefined,
  routingKey: string,
  resend: boolean,
  resolve: () => void,
  reject: (error: Error) => void,
): Pending {
  return {
    subject,
    data,
    msgID,
    headers,
    routingKey,
    startedAt: performance.now(),
    attempts: 0,
    resend,
    resolve,
    reject,
  };
}
