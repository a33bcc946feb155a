/** A Cache that only counts GUILD_CREATE/GUILD_DELETE, for worker tests that need `guildCount`. */
import type { Cache, CachedGuild, Page } from '@shardwire/cache';

export class FakeCache implements Cache {
  readonly guilds = new Map<string, number>();

  async apply(t: string, d: unknown, shard: number): Promise<void> {
    const id = (d as { id?: string }).id;
    if (!id) return;
    if (t === 'GUILD_CREATE') this.guilds.set(id, shard);
    if (t === 'GUILD_DELETE') this.guilds.delete(id);
  }

  async guild(guildId: string): Promise<CachedGuild | undefined> {
    return this.guilds.has(guildId) ? ({ id: guildId } as CachedGuild) : undefined;
  }

  async channel() {
    return undefined;
  }

  async user() {
    return undefined;
  }

  async role() {
    return undefined;
  }

  async member() {
    return undefined;
  }

  async channels() {
    return [];
  }

  async roles() {
    return [];
  }

  async members(): Promise<Page<never>> {
    return { items: [] };
  }

  async guildCount(shard?: number): Promise<number> {
    if (shard === undefined) return this.guilds.size;
    return [...this.guilds.values()].filter((s) => s === shard).length;
  }

  async close(): Promise<void> {}
}
