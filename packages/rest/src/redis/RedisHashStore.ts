/** Learned bucket hashes (`bucketRoute` → Discord's hash) kept in Redis: shared, and surviving restarts. */
import type { Redis } from 'ioredis';

export class RedisHashStore {
  readonly #key: string;

  constructor(
    private readonly redis: Redis,
    prefix = 'shardwire:rest:',
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.#key = `${prefix}hashes`;
  }

  async load(): Promise<[string, string][]> {
    return Object.entries(await this.redis.hgetall(this.#key));
  }

  save(bucketRoute: string, hash: string): void {
    this.redis.hset(this.#key, bucketRoute, hash).catch(this.onError);
  }
}
