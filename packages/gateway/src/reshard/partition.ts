/**
 * A guild's stable partition: the shard it would be on with `count` shards, where `count` is fixed
 * for the bot's lifetime (not the shard count), so routing and ordering keyed by it survive a reshard.
 */
import { shardIdOf } from '@shardwire/core';

export const DEFAULT_PARTITIONS = 1024;

export function partitionOf(guildId: string, count: number): number {
  return shardIdOf(guildId, count);
}
