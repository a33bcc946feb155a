/** In-test fakes of the seams the gateway uses: a recording broker, cache and REST client. */
import type { Broker, Delivery, Handler, Subscription } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import type { Envelope } from '@shardwire/core';
import type { Rest, RestRequest } from '@shardwire/rest';

export interface Published {
  routingKey: string;
  body: Envelope;
  messageId: string | undefined;
  partitionKey: string | undefined;
}

export class FakeBroker {
  readonly published: Published[] = [];
  readonly consumers = new Map<string, Handler<unknown>>();
  /** Responders by subject: a broadcast asks each of them (in process, as the memory broker does). */
  readonly responders = new Map<string, Set<(payload: unknown) => unknown>>();
  /** When set, publish waits for it (to hold confirms back) or throws what it throws. */
  gate: (() => Promise<void>) | undefined;

  asBroker(): Broker {
    return {
      publish: async <T>(
        routingKey: string,
        body: T,
        options?: { messageId?: string; partitionKey?: string },
      ) => {
        if (this.gate) await this.gate();
        this.published.push({
          routingKey,
          body: body as Envelope,
          messageId: options?.messageId,
          partitionKey: options?.partitionKey,
        });
      },
      consume: async <T>(_group: string, patterns: string | readonly string[], handler: Handler<T>) => {
        const key = typeof patterns === 'string' ? patterns : patterns.join(',');
        this.consumers.set(key, handler as Handler<unknown>);
        const sub: Subscription = { close: async () => void this.consumers.delete(key) };
        return sub;
      },
      respond: async (subject: string, handler: (payload: unknown) => unknown) => {
        const set = this.responders.get(subject) ?? new Set();
        this.responders.set(subject, set.add(handler));
        const sub: Subscription = { close: async () => void set.delete(handler) };
        return sub;
      },
      broadcast: async (subject: string, payload: unknown) =>
        Promise.all([...(this.responders.get(subject) ?? [])].map((handler) => handler(payload))),
    } as unknown as Broker;
  }

  /** Delivers a message to the consumer of `routingKey` as the broker would. */
  async deliver(routingKey: string, body: unknown): Promise<void> {
    const handler = this.consumers.get(routingKey);
    if (!handler) throw new Error(`no consumer for ${routingKey}`);
    const delivery: Delivery = { routingKey, body, messageId: undefined, headers: {}, deliveryCount: 1 };
    await handler(delivery);
  }
}

export class FakeCache {
  readonly applied: { t: string; shard: number; seq?: number }[] = [];
  asCache(): Cache {
    return {
      apply: async (t: string, _d: unknown, shard: number) => {
        this.applied.push({ t, shard });
      },
    } as unknown as Cache;
  }
}

export function fakeRest(
  gatewayUrl: string,
  overrides: { shards?: number; maxConcurrency?: number; remaining?: number } = {},
): Rest {
  return {
    request: async <T>(request: RestRequest) => {
      if (request.method === 'GET' && request.path === '/gateway/bot') {
        return {
          url: gatewayUrl,
          shards: overrides.shards ?? 1,
          session_start_limit: {
            total: 1000,
            remaining: overrides.remaining ?? 1000,
            reset_after: 86_400_000,
            max_concurrency: overrides.maxConcurrency ?? 1,
          },
        } as T;
      }
      throw new Error(`unexpected request ${request.method} ${request.path}`);
    },
  };
}
