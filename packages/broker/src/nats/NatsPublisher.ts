/**
 * JetStream publishing, pipelined: up to `maxInFlight` publishes wait for their acks at once.
 * A publish that fails for want of a connection is retried with backoff (the stream drops the
 * duplicate by `Nats-Msg-Id`); the queue of publishes is bounded and the caller waits when it is full.
 */
import type { Logger } from '@shardwire/core';
import type { JetStreamClient, MsgHdrs } from 'nats';
import { BrokerClosedError, PublishRejectedError } from '../errors.js';
import { Deque } from '../memory/Deque.js';
import type { BrokerMetrics } from '../metrics.js';

interface Pending {
  subject: string;
  data: Uint8Array;
  msgID: string;
  headers: MsgHdrs | undefined;
  routingKey: string;
  startedAt: number;
  attempts: number;
  resolve(): void;
  reject(error: Error): void;
}

const MAX_IN_FLIGHT = 2_048;

export class NatsPublisher {
  readonly #queue = new Deque<Pending>();
  #inFlight = 0;
  #roomWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #closed = false;
  readonly #retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly limit: number,
    private readonly metrics: BrokerMetrics,
    private readonly logger: Logger | undefined,
  ) {}

  get pending(): number {
    return this.#queue.length + this.#inFlight + this.#retryTimers.size;
  }

  async publish(
    subject: string,
    data: Uint8Array,
    msgID: string,
    headers: MsgHdrs | undefined,
    routingKey: string,
    countAsPublished = true,
  ): Promise<void> {
    if (this.#closed) throw new BrokerClosedError();
    while (this.#queue.length >= this.limit) {
      await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
      if (this.#closed) throw new BrokerClosedError();
    }
    if (countAsPublished) this.metrics.published();
    return new Promise((resolve, reject) => {
      this.#queue.push({
        subject,
        data,
        msgID,
        headers,
        routingKey,
        startedAt: performance.now(),
        attempts: 0,
        resolve,
        reject,
      });
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
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
    const left = this.#queue.removeWhere(() => true);
    for (const item of left) item.reject(new BrokerClosedError());
    for (const wake of this.#roomWaiters.splice(0)) wake();
  }

  #pump(): void {
    while (this.#inFlight < MAX_IN_FLIGHT && this.#queue.length > 0) this.#send(this.#queue.shift()!);
    while (this.#roomWaiters.length > 0 && this.#queue.length < this.limit) this.#roomWaiters.shift()!();
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
        () => {
          this.metrics.confirmed(performance.now() - item.startedAt);
          item.resolve();
        },
        (error: Error) => this.#failed(item, error),
      )
      .finally(() => {
        this.#inFlight--;
        this.#pump();
        if (this.pending === 0) for (const done of this.#idleWaiters.splice(0)) done();
      });
  }

  #failed(item: Pending, error: Error): void {
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
