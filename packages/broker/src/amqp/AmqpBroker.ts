/** The RabbitMQ backend: quorum queues, persistent messages, publisher confirms, manual acks. */
import type { Logger } from '@shardwire/core';
import type { ChannelModel } from 'amqplib';
import type {
  Broker,
  ConsumeOptions,
  DeadLetterQueue,
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
import { asPatterns, validateRoutingKey } from '../topic.js';
import { wireJson } from '../wireJson.js';
import { AmqpConnection } from './AmqpConnection.js';
import { AmqpConsumer } from './AmqpConsumer.js';
import { AmqpDeadLetters } from './AmqpDeadLetters.js';
import { AmqpOrderedConsumer } from './AmqpOrderedConsumer.js';
import { AmqpPublisher } from './AmqpPublisher.js';
import { AmqpRpc } from './AmqpRpc.js';
import { AmqpTopology, withChannel } from './AmqpTopology.js';
import { publishHeaders } from './codec.js';
import { type AmqpNames, amqpNames, wireKey } from './names.js';

const CLOSE_DRAIN_MS = 10_000;

type GroupConsumer = AmqpConsumer | AmqpOrderedConsumer;
const FILL_CHECK_MS = 5_000;

export class AmqpBroker extends RpcBroker implements Broker {
  readonly deadLetters: DeadLetterQueue;
  readonly #names: AmqpNames;
  readonly #connection: AmqpConnection;
  readonly #topology: AmqpTopology;
  readonly #publisher: AmqpPublisher;
  protected readonly rpc: AmqpRpc;
  readonly #consumers = new Set<GroupConsumer>();
  readonly #partitioner: Partitioner;
  readonly #metrics: BrokerMetrics;
  readonly #logger: Logger | undefined;
  readonly #dropDepthSource: () => void;
  readonly #fillTimer: NodeJS.Timeout;
  readonly #warned = new Set<string>();

  private constructor(url: string, deps: BrokerDeps) {
    super();
    const options = parseBrokerUrl(url);
    this.#logger = deps.logger?.child({ broker: 'amqp' });
    this.#metrics = createBrokerMetrics('amqp', deps.registry);
    this.#names = amqpNames(options.prefix);
    this.#partitioner = new Partitioner(options.partitions);
    this.#topology = new AmqpTopology(this.#names, options.partitions, this.#logger);
    this.#publisher = new AmqpPublisher(
      options.publishBuffer,
      this.#metrics,
      this.#logger,
      (reason) => this.#connection.reset(reason),
      options.publishChannels,
    );
    this.rpc = new AmqpRpc(this.#names, this.#logger, () => this.#connection.model);
    this.#connection = new AmqpConnection(
      options.clientUrl,
      options.display,
      (m) => this.#setUp(m),
      this.#logger,
    );
    this.#connection.onDown(() => this.#publisher.detached());
    this.deadLetters = new AmqpDeadLetters(
      () => this.#connection.model,
      this.#names,
      this.#topology,
      this.#publisher,
      this.#partitioner,
    );
    this.#dropDepthSource = this.#metrics.depthSource(() => this.#depths());
    this.#fillTimer = setInterval(() => void this.#checkFill(), FILL_CHECK_MS).unref();
  }

  /** Connects and declares the base topology; rejects with a clear message when RabbitMQ is unreachable. */
  static async connect(url: string, deps: BrokerDeps = {}): Promise<AmqpBroker> {
    const broker = new AmqpBroker(url, deps);
    try {
      await broker.#connection.start();
    } catch (error) {
      clearInterval(broker.#fillTimer);
      broker.#dropDepthSource();
      throw error;
    }
    return broker;
  }

  publish<T>(routingKey: string, body: T, options: PublishOptions = {}): Promise<void> {
    let json: string;
    try {
      this.checkOpen();
      validateRoutingKey(routingKey);
      json = wireJson(body);
    } catch (error) {
      return Promise.reject(error);
    }
    const partition = this.#partitioner.of(options.partitionKey);
    return this.#publisher.publish(
      partition,
      this.#names.exchange,
      wireKey(partition, routingKey),
      json,
      options.messageId,
      publishHeaders(options),
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
    const context = {
      names: this.#names,
      publisher: this.#publisher,
      metrics: this.#metrics,
      logger: this.#logger,
    };
    const settings = { group, queues: this.#topology.queuesOf(group), prefetch, maxDeliveries };
    const onClosed = (c: GroupConsumer) => this.#consumers.delete(c);
    const consumer: GroupConsumer =
      this.#topology.groups.get(group)?.options.ordered === true
        ? new AmqpOrderedConsumer(context, settings, handler as Handler<unknown>, onClosed)
        : new AmqpConsumer(context, { ...settings, ordered: false }, handler as Handler<unknown>, onClosed);
    this.#consumers.add(consumer);
    const model = this.#connection.model;
    if (model) await consumer.attach(model);
    return consumer;
  }

  async declareGroup(group: string, patterns: string | readonly string[], options: GroupOptions = {}) {
    this.checkOpen();
    validateName('group', group);
    validateConsumeOptions(options);
    const list = asPatterns(patterns);
    const model = this.#requireModel();
    await this.#topology.declareGroup(model, group, list, options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.#fillTimer);
    await Promise.all([...this.#consumers].map((c) => c.close()));
    await this.rpc.close();
    await this.#publisher.drain(CLOSE_DRAIN_MS);
    this.#dropDepthSource();
    await this.#connection.close();
  }

  // Runs on every (re)connection: topology first, then publishing, RPC and consumers.
  async #setUp(model: ChannelModel): Promise<void> {
    await this.#topology.redeclareAll(model);
    await this.#publisher.attach(model);
    await this.rpc.attach(model);
    for (const consumer of this.#consumers) await consumer.attach(model);
  }

  async #depths(): Promise<Map<string, number>> {
    const model = this.#connection.model;
    const depths = new Map<string, number>();
    if (!model) return depths;
    await withChannel(model, async (channel) => {
      for (const group of this.#topology.groups.keys()) {
        let total = 0;
        for (const queue of this.#topology.queuesOf(group))
          total += (await channel.checkQueue(queue)).messageCount;
        depths.set(group, total);
      }
    });
    return depths;
  }

  async #checkFill(): Promise<void> {
    const bounded = [...this.#topology.groups].filter(([, shape]) => shape.options.maxLength !== undefined);
    if (bounded.length === 0 || this.closed) return;
    try {
      const depths = await this.#depths();
      for (const [group, shape] of bounded) {
        const depth = depths.get(group) ?? 0;
        const max = shape.options.maxLength!;
        if (depth >= max * QUEUE_FILL_WARNING && !this.#warned.has(group)) {
          this.#warned.add(group);
          this.#logger?.warn(
            { group, depth, maxLength: max },
            'group queue is filling up; publishes will be refused when it is full',
          );
        } else if (depth < max * 0.5) this.#warned.delete(group);
      }
    } catch {
      // Reconnecting: try again at the next tick.
    }
  }

  #requireModel(): ChannelModel {
    const model = this.#connection.model;
    if (!model) throw new Error('not connected to RabbitMQ (reconnecting); try again');
    return model;
  }
}
