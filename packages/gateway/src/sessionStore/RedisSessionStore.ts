/**
 * Sessions in Redis, so a gateway restarted (or killed) RESUMEs its shards. One key per shard, and
 * one for the bot's shard layout (no expiry: the layout outlives the sessions).
 */
import type { Redis } from 'ioredis';
import type { SessionStore, ShardLayout, StoredSession } from './SessionStore.js';

export interface RedisSessionStoreOptions {
  redis: Redis;
  /** Keys are `<keyPrefix>:session:<shard>` and `<keyPrefix>:layout`; use one prefix per bot. */
  keyPrefix: string;
  /** Discord drops a session a few minutes after its connection; older records are useless. Default 1 h. */
  ttlMs?: number;
  /** Close the Redis connection in `close()`. Default false. */
  ownsConnection?: boolean;
}

export class RedisSessionStore implements SessionStore {
  readonly #options: RedisSessionStoreOptions;

  constructor(options: RedisSessionStoreOptions) {
    this.#options = options;
  }

  #key(shard: number): string {
    return `${this.#options.keyPrefix}:session:${shard}`;
  }

  async load(shard: number): Promise<StoredSession | undefined> {
    const raw = await this.#options.redis.get(this.#key(shard));
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as StoredSession;
      if (typeof parsed.sessionId !== 'string' || typeof parsed.seq !== 'number') return undefined;
      return parsed;
    } catch {
      return undefined;
    }
  }

  async save(shard: number, session: StoredSession): Promise<void> {
    const record: StoredSession = {
      sessionId: session.sessionId,
      resumeGatewayUrl: session.resumeGatewayUrl,
      seq: session.seq,
      shardCount: session.shardCount,
    };
    await this.#options.redis.set(
      this.#key(shard),
      JSON.stringify(record),
      'PX',
      this.#options.ttlMs ?? 3_600_000,
    );
  }

  async clear(shard: number): Promise<void> {
    await this.#options.redis.del(this.#key(shard));
  }

  async loadLayout(): Promise<ShardLayout | undefined> {
    const raw = await this.#options.redis.get(`${this.#options.keyPrefix}:layout`);
    if (raw === null) return undefined;
    try {
      const parsed = JSON.parse(raw) as ShardLayout;
      if (!Number.isInteger(parsed.shardCount) || parsed.shardCount < 1) return undefined;
      if (!Number.isInteger(parsed.generation) || parsed.generation < 0) return undefined;
      return { shardCount: parsed.shardCount, generation: parsed.generation };
    } catch {
      return undefined;
    }
  }

  async saveLayout(layout: ShardLayout): Promise<void> {
    const record: ShardLayout = { shardCount: layout.shardCount, generation: layout.generation };
    await this.#options.redis.set(`${this.#options.keyPrefix}:layout`, JSON.stringify(record));
  }

  async close(): Promise<void> {
    if (this.#options.ownsConnection) await this.#options.redis.quit();
  }
}
