/**
 * A minimal in-process Broker for the worker's tests until the memory backend lands: groups keep
 * messages while no consumer is online, resolving acks, throwing redelivers up to `maxDeliveries`
 * (a PoisonMessageError dead-letters at once), and `close()` waits for handlers in flight.
 * Patterns: exact keys and a trailing `#` only.
 */
import {
  type Broker,
  type ConsumeOptions,
  type DeadLetter,
  type DeadLetterQueue,
  type Delivery,
  type Handler,
  PoisonMessageError,
  type PublishOptions,
  type Subscription,
} from '@shardwire/broker';

interface Message {
  routingKey: string;
  body: unknown;
  messageId: string | undefined;
  headers: Record<string, string>;
  deliveries: number;
}

interface Consumer {
  handler: Handler<unknown>;
  maxDeliveries: number;
  prefetch: number;
  inFlight: Set<Promise<void>>;
  closed: boolean;
}

interface Group {
  patterns: string[];
  queue: Message[];
  consumers: Consumer[];
  next: number;
}

export class FakeBroker implements Broker {
  readonly groups = new Map<string, Group>();
  readonly dead: DeadLetter[] = [];
  #deadIds = 0;

  readonly deadLetters: DeadLetterQueue = {
    list: async (options) => this.dead.filter((d) => !options?.group || d.group === options.group),
    replay: async () => 0,
    purge: async () => 0,
  };

  async publish<T>(routingKey: string, body: T, options?: PublishOptions): Promise<void> {
    for (const group of this.groups.values()) {
      if (!group.patterns.some((p) => matches(p, routingKey))) continue;
      group.queue.push({
        routingKey,
        body: structuredClone(body),
        messageId: options?.messageId,
        headers: { ...options?.headers },
        deliveries: 0,
      });
      this.#pump(group);
    }
  }

  async declareGroup(name: string, patterns: string | readonly string[]): Promise<void> {
    this.#group(name, patterns);
  }

  async consume<T>(
    name: string,
    patterns: string | readonly string[],
    handler: Handler<T>,
    options?: ConsumeOptions,
  ): Promise<Subscription> {
    const group = this.#group(name, patterns);
    const consumer: Consumer = {
      handler: handler as Handler<unknown>,
      maxDeliveries: options?.maxDeliveries ?? 5,
      prefetch: options?.prefetch ?? 32,
      inFlight: new Set(),
      closed: false,
    };
    group.consumers.push(consumer);
    this.#pump(group);
    return {
      close: async () => {
        consumer.closed = true;
        group.consumers = group.consumers.filter((c) => c !== consumer);
        await Promise.allSettled([...consumer.inFlight]);
      },
    };
  }

  async request<Res>(): Promise<Res> {
    throw new Error('FakeBroker: request/reply is not faked');
  }

  async respond(): Promise<Subscription> {
    throw new Error('FakeBroker: request/reply is not faked');
  }

  async broadcast<Res>(): Promise<Res[]> {
    throw new Error('FakeBroker: broadcast is not faked');
  }

  async close(): Promise<void> {
    for (const group of this.groups.values()) {
      for (const consumer of group.consumers) consumer.closed = true;
      await Promise.allSettled(group.consumers.flatMap((c) => [...c.inFlight]));
      group.consumers = [];
    }
  }

  /** Messages waiting in a group (not in flight). */
  depth(group: string): number {
    return this.groups.get(group)?.queue.length ?? 0;
  }

  #group(name: string, patterns: string | readonly string[]): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { patterns: [], queue: [], consumers: [], next: 0 };
      this.groups.set(name, group);
    }
    for (const p of typeof patterns === 'string' ? [patterns] : patterns) {
      if (!group.patterns.includes(p)) group.patterns.push(p);
    }
    return group;
  }

  #pump(group: Group): void {
    while (group.queue.length > 0) {
      const ready = group.consumers.filter((c) => !c.closed && c.inFlight.size < c.prefetch);
      if (ready.length === 0) return;
      const consumer = ready[group.next++ % ready.length]!;
      const message = group.queue.shift()!;
      message.deliveries++;
      const delivery: Delivery = {
        routingKey: message.routingKey,
        body: message.body,
        messageId: message.messageId,
        headers: message.headers,
        deliveryCount: message.deliveries,
      };
      const settle = { run: Promise.resolve() };
      settle.run = (async () => {
        try {
          await consumer.handler(delivery);
        } catch (error) {
          if (error instanceof PoisonMessageError || message.deliveries >= consumer.maxDeliveries) {
            this.dead.push({
              id: String(++this.#deadIds),
              group: [...this.groups.entries()].find(([, g]) => g === group)![0],
              routingKey: message.routingKey,
              body: message.body,
              messageId: message.messageId,
              reason: error instanceof Error ? error.message : String(error),
              deliveries: message.deliveries,
              deadAt: Date.now(),
            });
          } else {
            group.queue.unshift(message);
          }
        } finally {
          consumer.inFlight.delete(settle.run);
          // Let the settling handler's caller run before the next delivery.
          queueMicrotask(() => this.#pump(group));
        }
      })();
      consumer.inFlight.add(settle.run);
    }
  }
}

function matches(pattern: string, key: string): boolean {
  if (pattern.endsWith('.#')) return key.startsWith(pattern.slice(0, -1)) || key === pattern.slice(0, -2);
  if (pattern === '#') return true;
  return pattern === key;
}
