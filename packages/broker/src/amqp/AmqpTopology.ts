/**
 * Declares exchanges and queues, idempotently: at start, for each new group, and again after every
 * reconnect. Group queues are durable quorum queues bound to the events exchange; ordered groups
 * get one single-active-consumer queue per partition.
 */
import type { Logger } from '@shardwire/core';
import type { Channel, ChannelModel } from 'amqplib';
import type { GroupOptions } from '../Broker.js';
import { type GroupShape, mergeGroup } from '../groupShape.js';
import { type AmqpNames, bindingKey } from './names.js';

export class AmqpTopology {
  readonly groups = new Map<string, GroupShape>();

  constructor(
    private readonly names: AmqpNames,
    private readonly partitions: number,
    private readonly logger: Logger | undefined,
  ) {}

  queuesOf(group: string): string[] {
    const shape = this.groups.get(group);
    return this.names.queuesOf(group, shape?.options.ordered === true, this.partitions);
  }

  async declareBase(model: ChannelModel): Promise<void> {
    await withChannel(model, async (channel) => {
      await channel.assertExchange(this.names.exchange, 'topic', { durable: true });
      await channel.assertExchange(this.names.broadcast, 'topic', { durable: false });
      await channel.assertExchange(this.names.members, 'topic', { durable: false });
      await channel.assertQueue(this.names.deadLetters, {
        durable: true,
        arguments: { 'x-queue-type': 'quorum' },
      });
    });
  }

  /** Remembers the group (for reconnects) and declares its queues and bindings. */
  async declareGroup(model: ChannelModel, group: string, patterns: readonly string[], options: GroupOptions) {
    const shape = mergeGroup(this.groups, group, patterns, options);
    await this.#declare(model, group, shape);
  }

  async redeclareAll(model: ChannelModel): Promise<void> {
    await this.declareBase(model);
    for (const [group, shape] of this.groups) await this.#declare(model, group, shape);
  }

  async #declare(model: ChannelModel, group: string, shape: GroupShape): Promise<void> {
    const ordered = shape.options.ordered === true;
    const queues = this.names.queuesOf(group, ordered, this.partitions);
    const args: Record<string, unknown> = {
      'x-queue-type': 'quorum',
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': this.names.deadLetters,
    };
    if (shape.options.maxLength !== undefined) {
      // A quorum queue refuses a publish only once it is over its limit, so the limit is one less.
      args['x-max-length'] = Math.max(0, shape.options.maxLength - 1);
      args['x-overflow'] = 'reject-publish';
    }
    if (shape.options.maxAgeMs !== undefined) args['x-message-ttl'] = shape.options.maxAgeMs;
    if (ordered) args['x-single-active-consumer'] = true;
    for (const [index, queue] of queues.entries()) {
      await this.#assertQueue(model, queue, args);
      await withChannel(model, async (channel) => {
        for (const pattern of shape.patterns)
          await channel.bindQueue(queue, this.names.exchange, bindingKey(ordered ? index : '*', pattern));
      });
    }
  }

  // A queue declared before with other settings keeps them (RabbitMQ cannot change queue arguments).
  async #assertQueue(model: ChannelModel, queue: string, args: Record<string, unknown>): Promise<void> {
    try {
      await withChannel(model, (channel) => channel.assertQueue(queue, { durable: true, arguments: args }));
    } catch (error) {
      if (!/PRECONDITION_FAILED/.test(String((error as Error).message))) throw error;
      await withChannel(model, (channel) => channel.checkQueue(queue));
      this.logger?.warn(
        { queue, reason: (error as Error).message },
        'group queue exists with other settings; keeping them (delete the queue to change them)',
      );
    }
  }
}

/** Runs `work` on a short-lived channel, so a refused declaration never breaks a working channel. */
export async function withChannel<T>(
  model: ChannelModel,
  work: (channel: Channel) => Promise<T>,
): Promise<T> {
  const channel = await model.createChannel();
  let broken = false;
  channel.on('error', () => {
    broken = true;
  });
  try {
    return await work(channel);
  } finally {
    if (!broken) await channel.close().catch(() => {});
  }
}
