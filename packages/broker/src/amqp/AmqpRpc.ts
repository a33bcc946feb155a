/**
 * Request/reply over RabbitMQ: requests go to the subject's shared queue (one responder answers),
 * broadcasts to every responder's own queue through a topic exchange; replies come back on
 * direct reply-to (`amq.rabbitmq.reply-to`), no reply queue to declare.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@shardwire/core';
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { RequestOptions, Subscription } from '../Broker.js';
import { NoRespondersError, RemoteError, RequestTimeoutError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, decodeReply, encodeBody, encodeReply, validateSubject } from '../rpc.js';
import type { AmqpNames } from './names.js';

const REPLY_TO = 'amq.rabbitmq.reply-to';

interface Waiting {
  subject: string;
  onReply(body: Buffer): void;
  onReturn(): void;
}

export class AmqpRpc {
  #channel: Channel | undefined;
  readonly #waiting = new Map<string, Waiting>();
  readonly #responders = new Set<AmqpResponder>();

  constructor(
    private readonly names: AmqpNames,
    private readonly logger: Logger | undefined,
    private readonly model: () => ChannelModel | undefined,
  ) {}

  async attach(model: ChannelModel): Promise<void> {
    const channel = await model.createChannel();
    channel.on('error', () => {});
    channel.on('close', () => {
      if (this.#channel === channel) this.#channel = undefined;
    });
    channel.on('return', (message: ConsumeMessage) => {
      const id = message.properties.correlationId;
      if (typeof id === 'string') this.#waiting.get(id)?.onReturn();
    });
    await channel.consume(
      REPLY_TO,
      (message) => {
        const id = message?.properties.correlationId;
        if (message && typeof id === 'string') this.#waiting.get(id)?.onReply(message.content);
      },
      { noAck: true },
    );
    this.#channel = channel;
    for (const responder of this.#responders) await responder.attach(model);
  }

  async respond(subject: string, handler: (payload: unknown) => unknown): Promise<Subscription> {
    validateSubject(subject);
    const responder = new AmqpResponder(this.names, subject, handler, this.logger, () =>
      this.#responders.delete(responder),
    );
    this.#responders.add(responder);
    const model = this.model();
    if (model) await responder.attach(model);
    return responder;
  }

  request(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    validateSubject(subject);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const content = Buffer.from(encodeBody(payload));
    return new Promise((resolve, reject) => {
      const id = randomUUID();
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        settle();
      };
      const timer = setTimeout(
        () => finish(() => reject(new RequestTimeoutError(subject, timeoutMs))),
        timeoutMs,
      );
      this.#waiting.set(id, {
        subject,
        onReturn: () => finish(() => reject(new NoRespondersError(subject))),
        onReply: (body) =>
          finish(() => {
            const reply = decodeReply(body);
            if (reply.ok) resolve(reply.value);
            else reject(new RemoteError(subject, reply.error));
          }),
      });
      // Not connected: the request times out (the caller retries), it is never queued for later.
      this.#channel?.publish('', this.names.rpcQueue(subject), content, {
        replyTo: REPLY_TO,
        correlationId: id,
        mandatory: true,
        expiration: String(timeoutMs),
      });
    });
  }

  broadcast(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown[]> {
    validateSubject(subject);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const content = Buffer.from(encodeBody(payload));
    return new Promise((resolve) => {
      const id = randomUUID();
      const replies: unknown[] = [];
      const finish = () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(replies);
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#waiting.set(id, {
        subject,
        onReturn: finish,
        onReply: (body) => {
          const reply = decodeReply(body);
          if (reply.ok) replies.push(reply.value);
        },
      });
      this.#channel?.publish(this.names.broadcast, subject, content, {
        replyTo: REPLY_TO,
        correlationId: id,
        mandatory: true,
        expiration: String(timeoutMs),
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#responders].map((r) => r.close()));
    await this.#channel?.close().catch(() => {});
    this.#channel = undefined;
  }
}

class AmqpResponder implements Subscription {
  #channel: Channel | undefined;
  #tags: string[] = [];
  #inFlight = new Set<Promise<void>>();
  #closing: Promise<void> | undefined;

  constructor(
    private readonly names: AmqpNames,
    private readonly subject: string,
    private readonly handler: (payload: unknown) => unknown,
    private readonly logger: Logger | undefined,
    private readonly onClosed: () => void,
  ) {}

  async attach(model: ChannelModel): Promise<void> {
    if (this.#closing) return;
    const channel = await model.createChannel();
    channel.on('error', () => {});
    await channel.prefetch(64);
    const shared = this.names.rpcQueue(this.subject);
    await channel.assertQueue(shared, { durable: false, autoDelete: true });
    const own = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
    await channel.bindQueue(own.queue, this.names.broadcast, this.subject);
    this.#tags = [];
    for (const queue of [shared, own.queue]) {
      const { consumerTag } = await channel.consume(queue, (m) => m && this.#answer(channel, m));
      this.#tags.push(consumerTag);
    }
    this.#channel = channel;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      const channel = this.#channel;
      if (channel) await Promise.all(this.#tags.map((tag) => channel.cancel(tag).catch(() => {})));
      await Promise.allSettled([...this.#inFlight]);
      await this.#channel?.close().catch(() => {});
      this.#channel = undefined;
      this.onClosed();
    })();
    return this.#closing;
  }

  #answer(channel: Channel, message: ConsumeMessage): void {
    if (this.#closing) {
      channel.nack(message, false, true);
      return;
    }
    const run = (async () => {
      let reply: Buffer;
      try {
        const value = await this.handler(JSON.parse(message.content.toString('utf8')));
        reply = encodeReply({ ok: true, value: value === undefined ? null : value });
      } catch (error) {
        reply = encodeReply({ ok: false, error: error instanceof Error ? error.message : String(error) });
      }
      const { replyTo, correlationId } = message.properties;
      try {
        if (typeof replyTo === 'string') channel.sendToQueue(replyTo, reply, { correlationId });
        channel.ack(message);
      } catch (error) {
        this.logger?.debug({ subject: this.subject, err: error }, 'could not send a reply (channel closed)');
      }
    })();
    this.#inFlight.add(run);
    void run.finally(() => this.#inFlight.delete(run));
  }
}
