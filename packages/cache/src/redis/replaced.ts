/**
 * A GUILD_CREATE replaces its guild without a read of its own: what it must clean outside the guild's
 * slot (index entries of channels that are gone, the guild's id in its previous shard's set after
 * resharding) is read by probes in the same pipeline and removed right after.
 */
import type { Op } from '../store/Store.js';
import type { Keys } from './keys.js';
import type { Command } from './writes.js';

export interface ReplacementPlan {
  probes: Command[];
  /** Clean-up commands, from the probes' results. */
  cleanup(results: readonly unknown[]): Command[];
}

export function planReplacement(ops: readonly Op[], keys: Keys): ReplacementPlan {
  const replaced = ops.flatMap((op) => (op.type === 'guild.drop' && op.replacing ? [op.guildId] : []));
  const probes: Command[] = replaced.flatMap((guildId): Command[] => [
    ['HKEYS', keys.channels(guildId)],
    ['HGET', keys.guildShards(), guildId],
  ]);
  return {
    probes,
    cleanup(results) {
      const out: Command[] = [];
      replaced.forEach((guildId, i) => {
        const oldChannels = (results[2 * i] as string[] | undefined) ?? [];
        const oldShard = results[2 * i + 1] as string | null | undefined;
        const channels = new Set<string>();
        let shard: number | undefined;
        for (const op of ops) {
          if (op.type === 'channel.put' && op.guildId === guildId) channels.add(op.channel.id);
          if (op.type === 'guild.put' && op.guildId === guildId) shard = op.shard;
        }
        for (const id of oldChannels) if (!channels.has(id)) out.push(['HDEL', keys.channelIndex(id), id]);
        if (oldShard != null && shard !== undefined && Number(oldShard) !== shard) {
          out.push(['SREM', keys.shard(Number(oldShard)), guildId]);
        }
      });
      return out;
    },
  };
}
