/**
 * One `consume` call of an ordered group: an `AmqpConsumer` (own channel, `prefetch`) on each
 * partition queue this member owns. The members of the group (`GroupRoster`) split the partitions by
 * rendezvous hashing, so they spread over the live consumers and move when one joins, leaves or goes
 * silent. A partition changes hands only by a hand-over (`AmqpConsumer.handOver`), and its queue is a
 * single-active-consumer queue, so a new owner that subscribes early waits until the old one is done:
 * one key's messages never run in two places at once, nor out of order.
 */
import type { ChannelModel } from 'amqplib';
import type { Handler, Subscription } from '../Broker.js';
import { partitionsOwnedBy } from '../partition.js';
import { AmqpConsumer, type ConsumerContext } from './AmqpConsumer.js';
import { GroupRoster } from './GroupRoster.js';

export interface OrderedSettings {
  group: string;
  /** The partition queues, by partition. */
  queues: string[];
  /** Unacknowledged messages held per owned partition. */
  prefetch: number;
  maxDeliveries: number;
}

export class AmqpOrderedConsumer implements Subscription {
  readonly #roster: GroupRoster;
  readonly #owned = new Map<number, AmqpConsumer>();
  #model: ChannelModel | undefined;
  #rebalancing: Promise<void> | undefined;
  #rebalanceAgain = false;
  #closing: Promise<void> | undefined;

  constructor(
    private readonly ctx: ConsumerContext,
    private readonly settings: OrderedSettings,
    private readonly handler: Handler<unknown>,
    private readonly onClosed: (consumer: AmqpOrderedConsumer) => void,
  ) {
    this.#roster = new GroupRoster(ctx.names, settings.group, () => void this.#rebalance(), ctx.logger);
  }

  /** The partitions this member consumes now. */
  get partitions(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  /** Runs at start and after every reconnect (the old channels are gone with the connection). */
  async attach(model: ChannelModel): Promise<void> {
    if (this.#closing) return;
    this.#model = model;
    await this.#roster.attach(model);
    for (const consumer of this.#owned.values()) await consumer.attach(model);
    await this.#rebalance();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#roster.leave();
      await this.#rebalancing;
      await Promise.all([...this.#owned.values()].map((consumer) => consumer.handOver()));
      this.#owned.clear();
      this.onClosed(this);
    })();
    return this.#closing;
  }

  /** Brings the owned partitions in line with the roster; a change meanwhile runs it once more. */
  #rebalance(): Promise<void> {
    if (this.#rebalancing) {
      this.#rebalanceAgain = true;
      return this.#rebalancing;
    }
    this.#rebalancing = (async () => {
      do {
        this.#rebalanceAgain = false;
        await this.#apply();
      } while (this.#rebalanceAgain && !this.#closing);
      this.#rebalancing = undefined;
    })();
    return this.#rebalancing;
  }

  async #apply(): Promise<void> {
    if (this.#closing) return;
    const { group, queues, prefetch, maxDeliveries } = this.settings;
    const wanted = new Set(partitionsOwnedBy(this.#roster.id, this.#roster.members, queues.length));
    const handOvers: Promise<void>[] = [];
    for (const [partition, consumer] of this.#owned)
      if (!wanted.has(partition)) {
        this.#owned.delete(partition);
        handOvers.push(consumer.handOver());
      }
    const gained: AmqpConsumer[] = [];
    for (const partition of wanted) {
      if (this.#owned.has(partition)) continue;
      const consumer = new AmqpConsumer(
        this.ctx,
        { group, queues: [queues[partition]!], prefetch, maxDeliveries, ordered: true },
        this.handler,
        () => {},
      );
      this.#owned.set(partition, consumer);
      gained.push(consumer);
    }
    if (handOvers.length > 0 || gained.length > 0)
      this.ctx.logger?.info(
        { group, partitions: this.partitions, members: this.#roster.members.length },
        'ordered group partitions rebalanced',
      );
    const model = this.#model;
    try {
      if (model) for (const consumer of gained) await consumer.attach(model);
    } catch (error) {
      // The connection dropped: `attach` runs again for every owned partition after the reconnect.
      this.ctx.logger?.debug({ group, err: error }, 'could not subscribe to a partition yet');
    }
    await Promise.all(handOvers);
  }
}
