/**
 * `maxAgeMs` while nobody consumes a group. JetStream's own `max_age` would delete old messages
 * silently, and from the whole stream (every group), so the broker expires them itself, the way a
 * consumer does on delivery: every `EXPIRY_CHECK_MS` it looks at each bounded group's durable
 * consumers; where nobody is pulling, it reads the oldest waiting message straight from the stream
 * (not a delivery, so its delivery count stays), and while that one is past `maxAgeMs` it takes it
 * from the consumer and dead-letters it (reason `expired`). It also reports the age of the oldest
 * message each pass found waiting (`shardwire_broker_oldest_waiting_seconds`), and warns once a
 * group's oldest message has waited 80 % of its `maxAgeMs` (at the latest in the pass that expires it).
 */
import type { Logger } from '@shardwire/core';
import type { JetStreamClient, JetStreamManager, JsMsg, MsgRequest } from 'nats';
import { QUEUE_FILL_WARNING } from '../deps.js';
import type { BrokerMetrics } from '../metrics.js';
import { compileTopics, type TopicMatcher } from '../topic.js';
import { ageOf, expiredReason, routingKeyFor } from './NatsConsumer.js';
import type { ConsumerSpec, NatsTopology } from './NatsTopology.js';
import type { NatsNames } from './subjects.js';

export const EXPIRY_CHECK_MS = 1_000;
/** Messages expired per consumer and pass, so that one pass over a long backlog stays short. */
const MAX_EXPIRED_PER_PASS = 1_000;
const FETCH_EXPIRES_MS = 1_000;

export interface NatsExpiryContext {
  js: JetStreamClient;
  jsm: JetStreamManager;
  names: NatsNames;
  topology: NatsTopology;
  metrics: BrokerMetrics;
  logger: Logger | undefined;
  bury(group: string, message: JsMsg, routingKey: string, deliveries: number, reason: string): Promise<void>;
}

export class NatsExpiry {
  readonly #timer: NodeJS.Timeout;
  readonly #warned = new Set<string>();
  #passing: Promise<void> | undefined;

  constructor(private readonly ctx: NatsExpiryContext) {
    this.#timer = setInterval(() => void this.pass(), EXPIRY_CHECK_MS).unref();
  }

  stop(): Promise<void> {
    clearInterval(this.#timer);
    return this.#passing ?? Promise.resolve();
  }

  /** One look at every group with a `maxAgeMs` (a pass still running is not started again). */
  pass(): Promise<void> {
    this.#passing ??= this.#pass().finally(() => {
      this.#passing = undefined;
    });
    return this.#passing;
  }

  async #pass(): Promise<void> {
    for (const [group, shape] of this.ctx.topology.groups) {
      const maxAgeMs = shape.options.maxAgeMs;
      if (maxAgeMs === undefined) continue;
      try {
        let oldest = 0;
        const matcher = compileTopics([...shape.patterns]);
        for (const spec of this.ctx.topology.specsOf(group))
          oldest = Math.max(oldest, await this.#expire(group, spec, maxAgeMs, matcher));
        this.#report(group, oldest, maxAgeMs);
      } catch (error) {
        // Reconnecting, or the stream is being changed: the next pass tries again.
        this.ctx.logger?.debug({ group, err: error }, 'message expiry check failed');
      }
    }
  }

  /** Expires what waits too long for one consumer; returns how long its oldest message had waited. */
  async #expire(group: string, spec: ConsumerSpec, maxAgeMs: number, matcher: TopicMatcher): Promise<number> {
    const { jsm, js, names } = this.ctx;
    const info = await jsm.consumers.info(names.stream, spec.name);
    if (info.num_pending === 0) return 0;
    const idle = info.num_waiting === 0 && info.num_ack_pending === 0;
    let from = info.delivered.stream_seq + 1;
    let oldestAge = 0;
    for (let expired = 0; ; expired++) {
      let oldest: { seq: number; time: Date };
      try {
        oldest = await jsm.streams.getMessage(names.stream, nextBySubject(spec.filter, from));
      } catch {
        return oldestAge; // nothing waits any more
      }
      const age = Date.now() - oldest.time.getTime();
      oldestAge = Math.max(oldestAge, age);
      if (!idle || age <= maxAgeMs || expired >= MAX_EXPIRED_PER_PASS) return oldestAge;
      const consumer = await js.consumers.get(names.stream, spec.name);
      const message = await consumer.next({ expires: FETCH_EXPIRES_MS });
      if (!message) return oldestAge;
      from = message.seq + 1;
      const routingKey = routingKeyFor(names, spec, matcher, message);
      if (routingKey === undefined) message.ack();
      else if (ageOf(message) > maxAgeMs)
        await this.ctx.bury(
          group,
          message,
          routingKey,
          message.info.deliveryCount - 1,
          expiredReason(maxAgeMs),
        );
      else {
        // A consumer came online meanwhile and took the old one: give this young one back.
        message.nak();
        return oldestAge;
      }
    }
  }

  #report(group: string, oldestMs: number, maxAgeMs: number): void {
    this.ctx.metrics.oldestWaiting(group, oldestMs);
    if (oldestMs >= maxAgeMs * QUEUE_FILL_WARNING && !this.#warned.has(group)) {
      this.#warned.add(group);
      this.ctx.logger?.warn(
        { group, oldestMs, maxAgeMs },
        'messages wait for the group near its maxAgeMs; older ones are dead-lettered as expired',
      );
    } else if (oldestMs < maxAgeMs * 0.5) this.#warned.delete(group);
  }
}

/**
 * The first message at or after `seq` on `subject` (a filter). NATS 2.9 answers `next_by_subj` on
 * the plain message get; nats.js types it only for direct gets, and sends the request as given.
 */
function nextBySubject(subject: string, seq: number): MsgRequest {
  return { next_by_subj: subject, seq } as unknown as MsgRequest;
}
