/**
 * Users in Redis are shared by every guild they are in, so each carries a count of the cached
 * members that refer to it, and goes when that reaches zero (as in the memory backend).
 *
 * Counting needs to know who was a member before a write. Those reads ride in the write's own
 * pipeline, ahead of the writes (HKEYS of a dropped guild's member buckets, HEXISTS for a member
 * put or removed), so a GUILD_CREATE stays one round trip; the counts are then adjusted by a
 * small script per user bucket (same slot as the users it counts), before the writer's next write.
 */
import type { Op } from '../store/Store.js';
import type { Keys } from './keys.js';
import type { Command } from './writes.js';

/** KEYS: users bucket, counts bucket. ARGV: user id, delta. Drops the user at zero. */
export const USER_REF_SCRIPT = `
local n = redis.call('HINCRBY', KEYS[2], ARGV[1], ARGV[2])
if n <= 0 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return n`;

interface Probe {
  guildId: string;
  /** HKEYS of one member bucket of a dropped guild, or HEXISTS of one member. */
  userId?: string;
}

export interface MembershipPlan {
  /** Reads to send first, in this order. */
  probes: Command[];
  /** From the probes' results, each user's change in member count (non-zero only). */
  deltas(results: readonly unknown[]): Map<string, number>;
}

export function planMembership(ops: readonly Op[], keys: Keys): MembershipPlan {
  const dropped = new Set<string>();
  for (const op of ops) if (op.type === 'guild.drop') dropped.add(op.guildId);
  const probes: Command[] = [];
  const meta: Probe[] = [];
  for (const guildId of dropped) {
    for (const bucket of keys.memberBuckets(guildId)) {
      probes.push(['HKEYS', bucket]);
      meta.push({ guildId });
    }
  }
  const probed = new Set<string>();
  for (const op of ops) {
    if ((op.type !== 'member.put' && op.type !== 'member.drop') || dropped.has(op.guildId)) continue;
    const pair = `${op.guildId}:${op.userId}`;
    if (probed.has(pair)) continue;
    probed.add(pair);
    probes.push(['HEXISTS', keys.members(op.guildId, op.userId), op.userId]);
    meta.push({ guildId: op.guildId, userId: op.userId });
  }

  return {
    probes,
    deltas(results) {
      const before = new Map<string, Set<string>>();
      const of = (map: Map<string, Set<string>>, guildId: string) => {
        const set = map.get(guildId) ?? new Set<string>();
        map.set(guildId, set);
        return set;
      };
      meta.forEach((probe, i) => {
        const result = results[i];
        if (probe.userId === undefined)
          for (const id of result as string[]) of(before, probe.guildId).add(id);
        else if (result === 1) of(before, probe.guildId).add(probe.userId);
      });
      // Replay the writes on the members we know of.
      const after = new Map([...before].map(([g, set]) => [g, new Set(set)]));
      for (const op of ops) {
        if (op.type === 'guild.drop') after.set(op.guildId, new Set());
        else if (op.type === 'member.put') of(after, op.guildId).add(op.userId);
        else if (op.type === 'member.drop') of(after, op.guildId).delete(op.userId);
      }
      const out = new Map<string, number>();
      const bump = (id: string, by: number) => out.set(id, (out.get(id) ?? 0) + by);
      for (const [guildId, members] of after) {
        const was = before.get(guildId) ?? new Set<string>();
        for (const id of members) if (!was.has(id)) bump(id, 1);
        for (const id of was) if (!members.has(id)) bump(id, -1);
      }
      for (const [id, delta] of out) if (delta === 0) out.delete(id);
      return out;
    },
  };
}
