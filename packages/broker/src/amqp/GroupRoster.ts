/**
 * Who consumes an ordered group right now. RabbitMQ 3.10 makes the first subscriber of a
 * single-active-consumer queue its consumer and never moves it, so the members of a group split the
 * partitions among themselves from this list: each announces itself every `HEARTBEAT_MS` on the
 * `<prefix>.members` exchange (routing key: the group) and hears the others on an exclusive queue; a
 * member silent for `MEMBER_TIMEOUT_MS` is gone (killed), one that closes says so.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@shardwire/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { AmqpNames } from './names.js';

export const HEARTBEAT_MS = 1_000;
export const MEMBER_TIMEOUT_MS = 3_500;

interface Announcement {
  id: string;
  leaving?: boolean;
}

export class GroupRoster {
  readonly id = randomUUID();
  /** The other members, with when each was last heard from. */
  readonly #heard = new Map<string, number>();
  #channel: Channel | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly names: AmqpNames,
    private readonly group: string,
    private readonly onChange: () => void,
    private readonly logger: Logger | undefined,
  ) {}

  /** This member and every other one heard from lately. */
  get members(): string[] {
    return [this.id, ...this.#heard.keys()];
  }

  /** Joins (again, after a reconnect): listens to the others and announces this member. */
  async attach(model: ChannelModel): Promise<void> {
    if (this.#closed) return;
    const channel = await model.createChannel();
    channel.on('error', () => {});
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = undefined;
    });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(queue, this.names.members, this.group);
    await channel.consume(queue, (message) => this.#onAnnouncement(message), { noAck: true });
    this.#channel = channel;
    this.#timer ??= setInterval(() => this.#tick(), HEARTBEAT_MS).unref();
    this.#announce(false);
  }

  /** Tells the others this member is gone, so they take its partitions at once. */
  async leave(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#announce(true);
    await this.#channel?.close().catch(() => {});
    this.#channel = undefined;
  }

  #announce(leaving: boolean): void {
    const body: Announcement = leaving ? { id: this.id, leaving } : { id: this.id };
    try {
      this.#channel?.publish(this.names.members, this.group, Buffer.from(JSON.stringify(body)));
    } catch {
      // Reconnecting: the next heartbeat after `attach` announces it.
    }
  }

  #onAnnouncement(message: ConsumeMessage | null): void {
    if (!message) return;
    let announcement: Announcement;
    try {
      announcement = JSON.parse(message.content.toString('utf8')) as Announcement;
    } catch {
      return;
    }
    const { id, leaving } = announcement;
    if (typeof id !== 'string' || id === this.id) return;
    if (leaving) {
      if (this.#heard.delete(id)) this.#changed('left', id);
      return;
    }
    const known = this.#heard.has(id);
    this.#heard.set(id, Date.now());
    if (known) return;
    // Answer a newcomer at once, so it learns of this member before its next heartbeat.
    this.#announce(false);
    this.#changed('joined', id);
  }

  #tick(): void {
    this.#announce(false);
    const silentSince = Date.now() - MEMBER_TIMEOUT_MS;
    for (const [id, at] of this.#heard)
      if (at < silentSince) {
        this.#heard.delete(id);
        this.#changed('went silent', id);
      }
  }

  #changed(what: string, member: string): void {
    this.logger?.info({ group: this.group, member, members: this.#heard.size + 1 }, `group member ${what}`);
    this.onChange();
  }
}
