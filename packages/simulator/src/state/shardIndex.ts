/** Which of a bot's guilds live on which shard, per shard count, kept up to date as guilds come and go. */
import { getOrCreate } from './maps.js';

/** Layouts kept per bot; each holds every guild id of the bot once. */
export const MAX_LAYOUTS_PER_BOT = 8;

export class ShardIndex {
  /** botId → shardCount → shardId → guild ids. Built on first use of a shard count. */
  readonly #byBot = new Map<string, Map<number, Map<number, Set<string>>>>();

  constructor(private readonly guildsOf: (botId: string) => Iterable<{ id: string; shardKey: number }>) {}

  guildsOnShard(botId: string, shardId: number, shardCount: number): ReadonlySet<string> {
    return this.#layout(botId, shardCount).get(shardId) ?? new Set();
  }

  /** The largest number of guilds any shard would hold with `shardCount` shards. */
  maxGuildsPerShard(botId: string, shardCount: number): number {
    let max = 0;
    for (const guilds of this.#layout(botId, shardCount).values()) max = Math.max(max, guilds.size);
    return max;
  }

  joined(botId: string, guildId: string, shardKey: number): void {
    for (const [count, shards] of this.#byBot.get(botId) ?? []) {
      getOrCreate(shards, shardKey % count, () => new Set<string>()).add(guildId);
    }
  }

  left(botId: string, guildId: string, shardKey: number): void {
    for (const [count, shards] of this.#byBot.get(botId) ?? []) shards.get(shardKey % count)?.delete(guildId);
  }

  #layout(botId: string, shardCount: number): Map<number, Set<string>> {
    const counts = getOrCreate(this.#byBot, botId, () => new Map());
    let shards = counts.get(shardCount);
    if (!shards) {
      // A client may IDENTIFY with any shard count: keep only the most recent layouts.
      if (counts.size >= MAX_LAYOUTS_PER_BOT) counts.delete(counts.keys().next().value!);
      shards = new Map();
      for (const { id, shardKey } of this.guildsOf(botId)) {
        getOrCreate(shards, shardKey % shardCount, () => new Set<string>()).add(id);
      }
      counts.set(shardCount, shards);
    }
    return shards;
  }
}
