/** The NATS JetStream backend: file-backed streams, durable pull consumers, explicit acks, dedupe. */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@shardwire/core';
import { connect, type JetStreamClient, type JetStreamManager, type JsMsg, type NatsConnection } from 'nats';
import type {
  Broker,
  ConsumeOptions,
  GroupOptions,
  Handler,
  PublishOptions,
  Subscription,
} from '../Broker.js';
import { parseBrokerUrl } from '../brokerUrl.js';
import { validateConsumeOptions } from '../consumeOptions.js';
import { type BrokerDeps, QUEUE_FILL_WARNING } from '../deps.js';
import { type BrokerMetrics, createBrokerMetrics } from '../metrics.js';
import { validateName } from '../names.js';
import { Partitioner } from '../partition.js';
import { RpcBroker } from '../RpcBroker.js';
import { retryFor } from '../retry.js';
import { asPatterns, compileTopics, validateRoutingKey } from '../topic.js';
import { wireJson } from '../wireJson.js';
import { H, makeHeaders } from './codec.js';
import { NatsConsumer } from './NatsConsumer.js';
import { NatsDeadLetters } from './NatsDeadLetters.js';
import { NatsExpiry } from './NatsExpiry.js';
import { NatsPublisher } from './NatsPublisher.js';
import { NatsRpc } from './NatsRpc.js';
import { NatsTopology } from './NatsTopology.js';
import { type NatsNames, natsNames } from './subjects.js';

const CLOSE_DRAIN_MS = 10_000;
const FILL_CHECK_MS = 5_000;

export class NatsBroker extends RpcBroker implements Broker {
  readonly deadLetters: NatsDeadLetters;
  readonly #nc: NatsConnection;
  readonly #names: NatsNames;
  readonly #topology: NatsTopology;
  readonly #publisher: NatsPublisher;
  protected readonly rpc: NatsRpc;
  readonly #partitioner: Partitioner;
  readonly #metrics: BrokerMetrics;
  readonly #logger: Logger | undefined;
  readonly #consumers = new Set<NatsConsumer>();
  readonly #ackWaitMs: number;
  readonly #dropDepthSource: () => void;
  readonly #fillTimer: NodeJS.Timeout;
  readonly #expiry: NatsExpiry;
  #warned = false;

  private constructor(
    nc: NatsConnection,
    js: JetStreamClient,
    jsm: JetStreamManager,
    options: { prefix: string; partitions: number; publishBuffer: number; ackWaitMs: number },
    deps: BrokerDeps,
  ) {
    super();
    this.#nc = nc;
    this.#ackWaitMs = options.ackWaitMs;
    this.#logger = deps.logger?.child({ broker: 'nats' });
    this.#metrics = createBrokerMetrics('nats', deps.registry);
    this.#names = natsNames(options.prefix);
    this.#partitioner = new Partitioner(options.partitions);
    this.#topology = new NatsTopology(jsm, this.#names, options.partitions, this.#logger, options.ackWaitMs);
    this.#publisher = new NatsPublisher(js, options.publishBuffer, this.#metrics, this.#logger);
    this.rpc = new NatsRpc(nc, this.#names, this.#logger);
    this.deadLetters = new NatsDeadLetters(jsm, this.#names, this.#publisher);
    this.#dropDepthSource = this.#metrics.depthSource(() => this.#topology.depths());
    this.#fillTimer = setInterval(() => void this.#checkFill(), FILL_CHECK_MS).unref();
    this.#expiry = new NatsExpiry({
      js,
      jsm,
      names: this.#names,
      topology: this.#topology,
      metrics: this.#metrics,
      logger: this.#logger,
      bury: (group, message, routingKey, deliveries, reason) =>
        this.#bury(group, message, routingKey, deliveries, reason),
    });
  }

  /** Connects, then declares the streams; rejects with a clear message when NATS is unreachable. */
  static async connect(url: string, deps: BrokerDeps = {}): Promise<NatsBroker> {
    const options = parseBrokerUrl(url);
    let nc: NatsConnection;
    try {
      nc = await retryFor(() =>
        connect({
          servers: options.clientUrl,
          name: 'shardwire',
          maxReconnectAttempts: -1,
          reconnectTimeWait: 250,
          // Otherwise every request (each JetStream publish) captures a stack trace to append to
          // its error, ~20 µs of CPU per publish (a third of the client's cost); shardwire turns
          // request errors into its own (retries, PublishRejectedError, RequestTimeoutError).
          noAsyncTraces: true,
        }),
      );
    } catch (error) {
      throw new Error(`cannot connect to NATS at ${options.display}: ${(error as Error).message}`);
    }
    const logger = deps.logger?.child({ broker: 'nats' });
    let broker: NatsBroker | undefined;
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect')
          logger?.warn({ status: status.type }, `NATS ${status.type}`);
        if (status.type === 'disconnect' && broker) broker.#publisher.connectionLost();
      }
    })().catch(() => {});
    try {
      const jsm = await nc.jetstreamManager();
      broker = new NatsBroker(nc, nc.jetstream(), jsm, options, deps);
      await broker.#topology.declareStreams();
      return broker;
    } catch (error) {
      await nc.close().catch(() => {});
      throw new Error(`NATS at ${options.display} has no usable JetStream: ${(error as Error).message}`);
    }
  }

  publish<T>(routingKey: string, body: T, options: PublishOptions = {}): Promise<void> {
    let data: Buffer;
    try {
      this.checkOpen();
      validateRoutingKey(routingKey);
      data = Buffer.from(wireJson(body));
    } catch (error) {
      return Promise.reject(error);
    }
    const partition = this.#partitioner.of(options.partitionKey);
    const { messageId, partitionKey } = options;
    // Most publishes (envelopes: an id, no headers) carry no header of shardwire's or the caller's.
    const headers =
      options.headers === undefined && messageId !== undefined && partitionKey === undefined
        ? undefined
        : makeHeaders({
            ...options.headers,
            [H.anonymous]: messageId === undefined ? '1' : undefined,
            [H.partitionKey]: partitionKey,
          });
    return this.#publisher.publish(
      this.#names.eventSubject(partition, routingKey),
      data,
      messageId ?? randomUUID(),
      headers,
      routingKey,
    );
  }

  async consume<T>(
    group: string,
    patterns: string | readonly string[],
    handler: Handler<T>,
    options: ConsumeOptions & GroupOptions = {},
  ): Promise<Subscription> {
    this.checkOpen();
    const { prefetch, maxDeliveries, ordered } = validateConsumeOptions(options);
    await this.declareGroup(group, patterns, { ...options, ordered: ordered || undefined });
    const shape = this.#topology.groups.get(group)!;
    const consumer = new NatsConsumer(
      {
        js: this.#nc.jetstream(),
        names: this.#names,
        metrics: this.#metrics,
        logger: this.#logger,
        bury: (g, message, routingKey, deliveries, reason) =>
          this.#bury(g, message, routingKey, deliveries, reason),
      },
      {
        group,
        specs: this.#topology.specsOf(group),
        matcher: compileTopics([...shape.patterns]),
        prefetch,
        maxDeliveries,
        maxAgeMs: shape.options.maxAgeMs,
        ackWaitMs: this.#ackWaitMs,
      },
      handler as Handler<unknown>,
      (c) => this.#consumers.delete(c),
    );
    this.#consumers.add(consumer);
    consumer.start();
    return consumer;
  }

  async declareGroup(group: string, patterns: string | readonly string[], options: GroupOptions = {}) {
    this.checkOpen();
    validateName('group', group);
    validateConsumeOptions(options);
    await this.#topology.declareGroup(group, asPatterns(patterns), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#fillTimer);
    await this.#expiry.stop();
    await Promise.all([...this.#consumers].map((c) => c.close()));
    await this.rpc.close();
    await this.#publisher.drain(CLOSE_DRAIN_MS);
    this.#dropDepthSource();
    await this.#nc.drain().catch(() => this.#nc.close());
  }

  async #bury(group: string, message: JsMsg, routingKey: string, deliveries: number, reason: string) {
    try {
      await this.deadLetters.bury(group, message, routingKey, deliveries, reason);
    } catch (error) {
      this.#logger?.error({ group, err: error }, 'could not dead-letter a message; it stays in the group');
      message.nak();
      return;
    }
    this.#metrics.deadLettered(group);
    this.#logger?.warn({ group, reason }, 'message dead-lettered');
    message.ack();
  }

  async #checkFill(): Promise<void> {
    const bounds = [...this.#topology.groups.values()]
      .map((shape) => shape.options.maxLength)
      .filter((n): n is number => n !== undefined);
    if (bounds.length === 0 || this.closed) return;
    try {
      const max = Math.min(...bounds);
      const depth = Math.max(0, ...(await this.#topology.depths()).values());
      if (depth >= max * QUEUE_FILL_WARNING && !this.#warned) {
        this.#warned = true;
        this.#logger?.warn(
          { depth, maxLength: max },
          'events stream is filling up; publishes will be refused when it is full',
        );
      } else if (depth < max * 0.5) this.#warned = false;
    } catch {
      // Reconnecting: try again at the next tick.
    }
  }
}
