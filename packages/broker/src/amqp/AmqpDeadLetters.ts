/**
 * The dead-letter queue in RabbitMQ. Listing reads every message and puts it back (the channel
 * closes without acking); replay republishes the chosen ones to their group's queue, confirmed,
 * before acking them; purge acks them.
 */
import { createHash } from 'node:crypto';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import type { DeadLetter, DeadLetterQueue } from '../Broker.js';
import { BrokerClosedError } from '../errors.js';
import type { Partitioner } from '../partition.js';
import type { AmqpPublisher } from './AmqpPublisher.js';
import type { AmqpTopology } from './AmqpTopology.js';
import { H, userHeaders } from './codec.js';
import { type AmqpNames, routingKeyOf } from './names.js';

interface Letter extends DeadLetter {
  raw: GetMessage;
  partitionKey: string | undefined;
}

export class AmqpDeadLetters implements DeadLetterQueue {
  constructor(
    private readonly model: () => ChannelModel | undefined,
    private readonly names: AmqpNames,
    private readonly topology: AmqpTopology,
    private readonly publisher: AmqpPublisher,
    private readonly partitioner: Partitioner,
  ) {}

  async list(options: { group?: string; limit?: number } = {}): Promise<DeadLetter[]> {
    const letters = await this.#scan(options.group, undefined, async () => false);
    return letters
      .slice(0, options.limit ?? letters.length)
      .map(({ raw: _raw, partitionKey: _pk, ...letter }) => letter);
  }

  async replay(options: { group?: string; ids?: string[] } = {}): Promise<number> {
    const taken = await this.#scan(options.group, options.ids, async (letter) => {
      const queues = this.topology.queuesOf(letter.group);
      const partition = this.partitioner.of(letter.partitionKey);
      const queue = queues.length === 1 ? queues[0]! : queues[partition % queues.length]!;
      const headers: Record<string, string> = { ...userHeaders(letter.raw.properties.headers ?? {}) };
      headers[H.routingKey] = letter.routingKey;
      if (letter.partitionKey !== undefined) headers[H.partitionKey] = letter.partitionKey;
      await this.publisher.publish(partition, '', queue, letter.raw.content, letter.messageId, headers);
      return true;
    });
    return taken.length;
  }

  async purge(options: { group?: string } = {}): Promise<number> {
    return (await this.#scan(options.group, undefined, async () => true)).length;
  }

  /** Reads the whole queue; letters `take` accepts are acked, the rest go back when the channel closes. */
  async #scan(
    group: string | undefined,
    ids: readonly string[] | undefined,
    take: (letter: Letter) => Promise<boolean>,
  ): Promise<Letter[]> {
    const model = this.model();
    if (!model) throw new BrokerClosedError();
    const wanted = ids ? new Set(ids) : undefined;
    const channel: Channel = await model.createChannel();
    channel.on('error', () => {});
    const matched: Letter[] = [];
    try {
      for (;;) {
        const message = await channel.get(this.names.deadLetters, { noAck: false });
        if (!message) break;
        const letter = this.#read(message);
        if (group !== undefined && letter.group !== group) continue;
        if (wanted && !wanted.has(letter.id)) continue;
        if (await take(letter)) channel.ack(message);
        matched.push(letter);
      }
    } finally {
      await channel.close().catch(() => {});
    }
    return matched;
  }

  #read(message: GetMessage): Letter {
    const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
    const text = (key: string) => (headers[key] === undefined ? undefined : String(headers[key]));
    // Letters RabbitMQ itself dead-lettered (expired) carry `x-death` instead of shardwire's headers.
    const firstQueue = text('x-first-death-queue');
    const group =
      text(H.group) ?? (firstQueue ? this.names.groupOfQueue(firstQueue) : undefined) ?? '(unknown)';
    const deathReason = text('x-first-death-reason');
    const reason =
      text(H.reason) ?? (deathReason === 'expired' ? 'expired: waited longer than maxAgeMs' : deathReason);
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch {
      body = message.content.toString('utf8');
    }
    const deaths = Array.isArray(headers['x-death']) ? (headers['x-death'] as Record<string, unknown>[]) : [];
    const deathTime = deaths[0]?.time as { value?: number } | undefined;
    return {
      id: text(H.deadId) ?? contentId(message),
      group,
      routingKey:
        text(H.routingKey) ??
        routingKeyOf(String((deaths[0]?.['routing-keys'] as string[] | undefined)?.[0] ?? '')),
      body,
      messageId: typeof message.properties.messageId === 'string' ? message.properties.messageId : undefined,
      reason: reason ?? 'unknown',
      deliveries: Number(text(H.deliveries) ?? 0),
      deadAt: Number(text(H.deadAt) ?? (deathTime?.value ? deathTime.value * 1000 : 0)),
      raw: message,
      partitionKey: text(H.partitionKey),
    };
  }
}

function contentId(message: GetMessage): string {
  const hash = createHash('sha256');
  hash.update(message.content);
  hash.update(JSON.stringify(message.properties.headers ?? {}));
  hash.update(String(message.properties.messageId ?? ''));
  return hash.digest('hex').slice(0, 32);
}
