/**
 * One `consume` call on JetStream: a pull loop per durable consumer of the group, fetching only as
 * many messages as the prefetch leaves room for. Acks after the handler resolves, naks (redelivery)
 * when it throws, dead-letters after `maxDeliveries`, on PoisonMessageError, or when too old.
 */
import type { Logger } from '@shardwire/core';
import { type Consumer, type ConsumerMessages, type JetStreamClient, type JsMsg, millis } from 'nats';
import { type Delivery, type Handler, PoisonMessageError, type Subscription } from '../Broker.js';
import { reasonOf } from '../errors.js';
import type { BrokerMetrics } from '../metrics.js';
import type { TopicMatcher } from '../topic.js';
import { H, header, messageIdOf, userHeaders } from './codec.js';
import type { ConsumerSpec } from './NatsTopology.js';
import type { NatsNames } from './subjects.js';
import { subjectMatches } from './subjects.js';

export interface NatsConsumerContext {
  js: JetStreamClient;
  names: NatsNames;
  metrics: BrokerMetrics;
  logger: Logger | undefined;
  /** Publishes a dead letter durably. */
  bury(group: string, message: JsMsg, routingKey: string, deliveries: number, reason: string): Promise<void>;
}

export interface NatsConsumerSettings {
  group: string;
  specs: ConsumerSpec[];
  matcher: TopicMatcher;
  prefetch: number;
  maxDeliveries: number;
  maxAgeMs: number | undefined;
  /** The consumers' ack wait: a handler still running tells JetStream so at half of it. */
  ackWaitMs: number;
}

const FETCH_EXPIRES_MS = 2_000;

export class NatsConsumer implements Subscription {
  /** Handlers running; at most the prefetch. */
  #running = 0;
  #runWaiters: (() => void)[] = [];
  #inFlight = 0;
  #idleWaiters: (() => void)[] = [];
  #closing: Promise<void> | undefined;
  readonly #wakers = new Set<() => void>();
  readonly #batches = new Set<{ stop(): void }>();
  readonly #loops: Promise<void>[] = [];

  constructor(
    private readonly ctx: NatsConsumerContext,
    private readonly settings: NatsConsumerSettings,
    private readonly handler: Handler<unknown>,
    private readonly onClosed: (consumer: NatsConsumer) => void,
  ) {}

  start(): void {
    // Each pull loop holds at most its share of the prefetch (the replay loop one message).
    const events = this.settings.specs.filter((s) => !s.replay).length;
    const share = Math.max(1, Math.floor(this.settings.prefetch / Math.max(1, events)));
    for (const spec of this.settings.specs) this.#loops.push(this.#loop(spec, spec.replay ? 1 : share));
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const batch of this.#batches) batch.stop();
      for (const wake of this.#wakers) wake();
      await Promise.all(this.#loops);
      if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      this.onClosed(this);
    })();
    return this.#closing;
  }

  /**
   * Keeps pulls open on the server for the part of `share` not held by handlers, and asks for more
   * as soon as a quarter of it is free, without waiting for the open pulls to end (as the client's
   * own `consume()` does, which cannot count messages still in handlers). Pulling a whole batch at
   * a time, two in turn, left the server with no open pull each time both ran out together (the
   * server serves open pulls in turn), and messages waited in the stream until the next arrived.
   */
  async #loop(spec: ConsumerSpec, share: number): Promise<void> {
    const refill = Math.max(1, Math.ceil(share / 4));
    let failures = 0;
    /** Delivered to this loop and not yet acked or naked. */
    let held = 0;
    /** Asked of the open pulls and not yet delivered. */
    let requested = 0;
    let failed: Error | undefined;
    // Looked up once and kept: `consumers.get` is a consumer-info request to the server, and made
    // before every pull it held the next pull back by its round trip (1 ms typically, 15 ms at the
    // 99th percentile on a busy server) while messages waited in the stream. Looked up again after
    // a failed pull or an empty one (the consumer may have been recreated, or the server restarted).
    let consumer: Consumer | undefined;
    let wake: (() => void) | undefined;
    const waker = () => wake?.();
    const drains = new Set<Promise<void>>();
    this.#wakers.add(waker);
    const drain = async (batch: ConsumerMessages, asked: number) => {
      const stopper = { stop: () => batch.stop() };
      this.#batches.add(stopper);
      let received = 0;
      try {
        for await (const message of batch) {
          received++;
          requested--;
          if (this.#closing) {
            message.nak();
            continue;
          }
          held++;
          this.#track(this.#handle(spec, message)).finally(() => {
            held--;
            waker();
          });
        }
        if (received === 0) consumer = undefined;
        else failures = 0;
      } catch (error) {
        failed = error as Error;
      } finally {
        this.#batches.delete(stopper);
        // What the pull did not deliver (it expired, or failed) is no longer asked for.
        requested -= asked - received;
        waker();
      }
    };
    try {
      while (!this.#closing) {
        while (!this.#closing && failed === undefined && share - held - requested < refill)
          await new Promise<void>((resolve) => (wake = resolve));
        if (this.#closing) return;
        try {
          if (failed) throw failed;
          consumer ??= await this.ctx.js.consumers.get(this.ctx.names.stream, spec.name);
          const asked = share - held - requested;
          const batch = await consumer.fetch({ max_messages: asked, expires: FETCH_EXPIRES_MS });
          requested += asked;
          const draining = drain(batch, asked);
          drains.add(draining);
          void draining.finally(() => drains.delete(draining));
        } catch (error) {
          failed = undefined;
          if (this.#closing) return;
          consumer = undefined;
          // Disconnected or the server is restarting: wait a little and pull again.
          failures++;
          if (failures === 3)
            this.ctx.logger?.warn(
              { group: this.settings.group, err: { message: (error as Error).message } },
              'JetStream pull failing, retrying',
            );
          await new Promise((resolve) =>
            setTimeout(resolve, Math.min(2_000, 100 * 2 ** Math.min(failures, 5))),
          );
        }
      }
    } finally {
      this.#wakers.delete(waker);
      await Promise.all(drains);
    }
  }

  #track(work: Promise<void>): Promise<void> {
    this.#inFlight++;
    return work
      .catch((error: unknown) =>
        this.ctx.logger?.error({ group: this.settings.group, err: error }, 'message handling failed'),
      )
      .finally(() => {
        if (--this.#inFlight === 0) for (const done of this.#idleWaiters.splice(0)) done();
      });
  }

  async #run(delivery: Delivery<unknown>): Promise<void> {
    while (this.#running >= this.settings.prefetch)
      await new Promise<void>((resolve) => this.#runWaiters.push(resolve));
    this.#running++;
    try {
      await this.handler(delivery);
    } finally {
      this.#running--;
      this.#runWaiters.shift()?.();
    }
  }

  async #handle(spec: ConsumerSpec, message: JsMsg): Promise<void> {
    const { group, matcher, maxDeliveries, maxAgeMs } = this.settings;
    const routingKey = routingKeyFor(this.ctx.names, spec, matcher, message);
    if (routingKey === undefined) {
      message.ack();
      return;
    }
    const count = message.info.deliveryCount;
    if (count > maxDeliveries)
      return this.ctx.bury(
        group,
        message,
        routingKey,
        count - 1,
        `delivered ${count - 1} times without an acknowledgement`,
      );
    if (maxAgeMs !== undefined && ageOf(message) > maxAgeMs)
      return this.ctx.bury(group, message, routingKey, count - 1, expiredReason(maxAgeMs));
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(message.data).toString('utf8'));
    } catch (error) {
      return this.ctx.bury(group, message, routingKey, count, `poison: undecodable body: ${reasonOf(error)}`);
    }
    this.ctx.metrics.delivered(group, count > 1);
    const delivery: Delivery<unknown> = {
      routingKey,
      body,
      messageId: messageIdOf(message.headers),
      headers: userHeaders(message.headers),
      deliveryCount: count,
    };
    const working = setInterval(() => message.working(), this.settings.ackWaitMs / 2);
    try {
      await this.#run(delivery);
    } catch (error) {
      this.ctx.metrics.nacked(group);
      if (error instanceof PoisonMessageError)
        return this.ctx.bury(group, message, routingKey, count, `poison: ${error.message}`);
      if (count >= maxDeliveries)
        return this.ctx.bury(
          group,
          message,
          routingKey,
          count,
          `failed ${count} deliveries, last: ${reasonOf(error)}`,
        );
      this.ctx.logger?.debug({ group, err: error }, 'handler failed, message will be redelivered');
      message.nak();
      return;
    } finally {
      clearInterval(working);
    }
    this.ctx.metrics.acked(group);
    message.ack();
  }
}

/**
 * The routing key of a message that is this consumer's to handle; undefined when another filter of
 * its group covers it, or the filter is wider than the group's patterns (then it is only acked).
 */
export function routingKeyFor(
  names: NatsNames,
  spec: ConsumerSpec,
  matcher: TopicMatcher,
  message: JsMsg,
): string | undefined {
  const routingKey = names.routingKeyOf(message.subject);
  if (
    routingKey === undefined ||
    (!spec.replay && !matcher(routingKey)) ||
    spec.earlier.some((f) => subjectMatches(f, message.subject))
  )
    return undefined;
  return routingKey;
}

/** How long a message has been in the stream, in ms. */
export function ageOf(message: JsMsg): number {
  return Date.now() - millis(message.info.timestampNanos);
}

export function expiredReason(maxAgeMs: number): string {
  return `expired: waited longer than ${maxAgeMs} ms`;
}

export function partitionKeyOf(message: JsMsg): string | undefined {
  return header(message.headers, H.partitionKey);
}
