/**
 * A Cache that only counts guilds (GUILD_CREATE/GUILD_DELETE), for worker tests that need
 * `guildCount`. Any other method throws, so a test that leans on more of the cache says so.
 */
import type { Cache } from '@shardwire/cache';

export class FakeCache {
  readonly guilds = new Map<string, number>();

  async apply(t: string, d: unknown, shard: number): Promise<void> {
    const id = (d as { id?: string }).id;
    if (!id) return;
    if (t === 'GUILD_CREATE') this.guilds.set(id, shard);
    if (t === 'GUILD_DELETE') this.guilds.delete(id);
  }

  async guildCount(shard?: number): Promise<number> {
    if (shard === undefined) return this.guilds.size;
    return [...this.guilds.values()].filter((s) => s === shard).length;
  }

  async close(): Promise<void> {}

  /** This fake seen through the Cache seam. */
  asCache(): Cache {
    return new Proxy(this, {
      get(target, property, receiver) {
        if (property in target) {
          const value = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        if (property === 'then') return undefined;
        return () => Promise.reject(new Error(`FakeCache: ${String(property)}() is not faked`));
      },
    }) as unknown as Cache;
  }
}
