/** The embedded broker: every rule of the seam kept inside one process (nothing survives a restart). */
import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '@shardwire/core';
import type {
  Broker,
  ConsumeOptions,
  DeadLetter,
  DeadLetterQueue,
  GroupOptions,
  Handler,
  PublishOptions,
  Subscription,
} from '../Broker.js';
import { validateConsumeOptions } from '../consumeOptions.js';
import type { BrokerDeps } from '../deps.js';
import { PublishRejectedError } from '../errors.js';
import { type BrokerMetrics, createBrokerMetrics } from '../metrics.js';
import { validateName } from '../names.js';
import { RpcBroker } from '../RpcBroker.js';
import { asPatterns, validateRoutingKey } from '../topic.js';
import { MemoryGroup, type StoredMessage } from './MemoryGroup.js';
import { MemoryRpc } from './MemoryRpc.js';
import { listedBody, shareBody } from './sharedBody.js';

type StoredDeadLetter = DeadLetter & { headers: Readonly<Record<string, string>>; partitionKey?: string };

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

export class MemoryBroker extends RpcBroker implements Broker {
  readonly #groups = new Map<string, MemoryGroup>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #dead: StoredDeadLetter[] = [];
  readonly #clock: Clock;
  readonly #metrics: BrokerMetrics;
  protected readonly rpc: MemoryRpc;
  readonly #dropDepthSource: () => void;
  #seq = 0;
  /** The groups each routing key reaches (the key is validated once); emptied when groups change. */
  readonly #routes = new Map<string, MemoryGroup[]>();

  constructor(private readonly deps: BrokerDeps = {}) {
    super();
    this.#clock = deps.clock ?? systemClock;
    this.#metrics = createBrokerMetrics('memory', deps.registry);
    this.rpc = new MemoryRpc(this.#clock);
    this.#dropDepthSource = this.#metrics.depthSource(
      () => new Map([...this.#groups].map(([name, group]) => [name, group.depth])),
    );
  }

  async publish<T>(routingKey: string, body: T, options: PublishOptions = {}): Promise<void> {
    this.checkOpen();
    const targets = this.#route(routingKey);
    const shared = shareBody(body);
    this.#metrics.published();
    for (const group of targets) {
      if (group.hasRoom()) continue;
      this.#metrics.rejected();
      throw new PublishRejectedError(routingKey, `group "${group.name}" is full`);
    }
    const now = this.#clock.now();
    for (const group of targets) group.enqueue(this.#store(routingKey, shared, options, now));
    this.#metrics.confirmed(0);
  }

  async consume<T>(
    group: string,
    patterns: string | readonly string[],
    handler: Handler<T>,
    options: ConsumeOptions & GroupOptions = {},
  ): Promise<Subscription> {
    this.checkOpen();
    const { prefetch, maxDeliveries } = validateConsumeOptions(options);
    const target = this.#declare(group, patterns, options);
    const stop = target.addConsumer(handler as Handler<unknown>, prefetch, maxDeliveries);
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      close: () => {
        closing ??= stop().finally(() => this.#subscriptions.delete(subscription));
        return closing;
      },
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async declareGroup(group: string, patterns: string | readonly string[], options: GroupOptions = {}) {
    this.checkOpen();
    this.#declare(group, patterns, options);
  }

  readonly deadLetters: DeadLetterQueue = {
    list: async ({ group, limit } = {}) =>
      this.#dead
        .filter((d) => group === undefined || d.group === group)
        .slice(0, limit ?? Number.POSITIVE_INFINITY)
        .map(({ headers: _headers, partitionKey: _key, ...letter }) => ({
          ...letter,
          body: listedBody(letter.body),
        })),
    replay: async ({ group, ids } = {}) => {
      this.checkOpen();
      const chosen = this.#takeDead(group, ids);
      const now = this.#clock.now();
      for (const letter of chosen) {
        const target = this.#groups.get(letter.group);
        if (!target) continue;
        const options = {
          messageId: letter.messageId,
          headers: letter.headers,
          partitionKey: letter.partitionKey,
        };
        target.enqueue(this.#store(letter.routingKey, letter.body, options, now));
      }
      return chosen.length;
    },
    purge: async ({ group } = {}) => this.#takeDead(group, undefined).length,
  };

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await this.rpc.close();
    for (const group of this.#groups.values()) group.stop();
    this.#dropDepthSource();
  }

  #declare(name: string, patterns: string | readonly string[], options: GroupOptions & ConsumeOptions) {
    validateName('group', name);
    validateConsumeOptions(options);
    const list = asPatterns(patterns);
    this.#routes.clear();
    let group = this.#groups.get(name);
    if (!group) {
      group = new MemoryGroup(name, this.#clock, this.#metrics, this.deps.logger, (g, m, reason) =>
        this.#bury(g, m, reason),
      );
      this.#groups.set(name, group);
    }
    group.configure(list, options);
    return group;
  }

  #route(routingKey: string): MemoryGroup[] {
    let targets = this.#routes.get(routingKey);
    if (!targets) {
      validateRoutingKey(routingKey);
      targets = [...this.#groups.values()].filter((g) => g.matches(routingKey));
      if (this.#routes.size >= 4_096) this.#routes.clear();
      this.#routes.set(routingKey, targets);
    }
    return targets;
  }

  #store(routingKey: string, body: unknown, options: PublishOptions, now: number): StoredMessage {
    return {
      seq: this.#seq++,
      routingKey,
      body,
      messageId: options.messageId,
      headers: options.headers ? Object.freeze({ ...options.headers }) : NO_HEADERS,
      partitionKey: options.partitionKey,
      enqueuedAt: now,
      deliveries: 0,
    };
  }

  #bury(group: string, message: StoredMessage, reason: string): void {
    this.#dead.push({
      id: randomUUID(),
      group,
      routingKey: message.routingKey,
      body: message.body,
      headers: message.headers,
      partitionKey: message.partitionKey,
      messageId: message.messageId,
      reason,
      deliveries: message.deliveries,
      deadAt: this.#clock.now(),
    });
  }

  #takeDead(group: string | undefined, ids: readonly string[] | undefined): StoredDeadLetter[] {
    const wanted = ids ? new Set(ids) : undefined;
    const taken: StoredDeadLetter[] = [];
    for (let i = this.#dead.length - 1; i >= 0; i--) {
      const letter = this.#dead[i]!;
      if (group !== undefined && letter.group !== group) continue;
      if (wanted && !wanted.has(letter.id)) continue;
      taken.unshift(letter);
      this.#dead.splice(i, 1);
    }
    return taken;
  }
}
