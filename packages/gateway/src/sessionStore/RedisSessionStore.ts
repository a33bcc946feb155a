/** Sessions in Redis, so a gateway restarted (or killed) RESUMEs its shards. One key per shard. */
import type { Redis } from 'ioredis';
import type { SessionStore, StoredSession } from './SessionStore.js';

export interface RedisSessionStoreOptions {
  redis: Redis;
  /** Keys are `<keyPrefix>:session:<shard>`; use one prefix per bot. */
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

  async close(): Promise<void> {
    if (this.#options.ownsConnection) await this.#options.redis.quit();
  }
}
