/** Turns cache writes into Redis commands: multi-field HSETs per key, packed values as bytes. */
import type { Policy } from '../options.js';
import type { Op } from '../store/Store.js';
import type { Keys } from './keys.js';

export type Command = [name: string, ...args: (string | Buffer | number)[]];

/** What a full guild drop must clean outside the guild's own slot (read before the writes). */
export interface DropInfo {
  shard: number | undefined;
  channelIds: string[];
}

const bytes = (packed: string) => Buffer.from(packed, 'latin1');

/**
 * Commands for a list of writes, in order. Consecutive HSETs to one key merge into one command, so a
 * GUILD_CREATE of 1,000 members is a handful of commands, sent as one pipeline.
 */
export function commandsFor(
  ops: readonly Op[],
  keys: Keys,
  policy: Policy,
  drops: ReadonlyMap<string, DropInfo>,
  at: number,
): Command[] {
  const out: Command[] = [];
  // The last HSET/ZADD per key, still open to more field-value pairs: ordering matters only per key.
  const open = new Map<string, Command>();
  const push = (command: Command) => {
    const key = command[1] as string;
    const last = open.get(key);
    if (last && last[0] === command[0]) {
      last.push(...command.slice(2));
      return;
    }
    out.push(command);
    open.set(key, command);
  };
  const other = (command: Command, touched: readonly string[] = [command[1] as string]) => {
    for (const key of touched) open.delete(key);
    out.push(command);
  };
  for (const op of ops) {
    switch (op.type) {
      case 'guild.put':
        push([
          'HSET',
          keys.guild(op.guildId),
          'd',
          bytes(policy.stored.guild.encode(op.guild)),
          's',
          op.shard,
        ]);
        push(['HSET', keys.guildShards(), op.guildId, op.shard]);
        push(['SADD', keys.shard(op.shard), op.guildId]);
        other(['ZADD', keys.activity(), 'NX', at, op.guildId]);
        break;
      case 'guild.drop': {
        other(['UNLINK', ...keys.allOfGuild(op.guildId)], keys.allOfGuild(op.guildId));
        const info = drops.get(op.guildId);
        // A GUILD_CREATE replaces the guild in place: its index entries are overwritten next.
        if (op.replacing || !info) break;
        other(['HDEL', keys.guildShards(), op.guildId]);
        if (info.shard !== undefined) other(['SREM', keys.shard(info.shard), op.guildId]);
        other(['ZREM', keys.activity(), op.guildId]);
        for (const channelId of info.channelIds) other(['HDEL', keys.channelIndex(channelId), channelId]);
        break;
      }
      case 'channel.put':
        push([
          'HSET',
          keys.channels(op.guildId),
          op.channel.id,
          bytes(policy.stored.channel.encode({ ...op.channel, guild_id: op.guildId })),
        ]);
        push(['HSET', keys.channelIndex(op.channel.id), op.channel.id, op.guildId]);
        break;
      case 'channel.drop':
        other(['HDEL', keys.channels(op.guildId), op.channelId]);
        other(['HDEL', keys.channelIndex(op.channelId), op.channelId]);
        break;
      case 'role.put':
        push(['HSET', keys.roles(op.guildId), op.role.id, bytes(policy.stored.role.encode(op.role))]);
        break;
      case 'role.drop':
        other(['HDEL', keys.roles(op.guildId), op.roleId]);
        break;
      case 'member.put':
        push([
          'HSET',
          keys.members(op.guildId, op.userId),
          op.userId,
          bytes(policy.member.encode(op.member)),
        ]);
        break;
      case 'member.drop':
        other(['HDEL', keys.members(op.guildId, op.userId), op.userId]);
        break;
      case 'user.put':
        push(['HSET', keys.users(op.user.id), op.user.id, bytes(policy.stored.user.encode(op.user))]);
        break;
      case 'emoji.put':
        if (op.emoji.id)
          push(['HSET', keys.emojis(op.guildId), op.emoji.id, bytes(policy.stored.emoji.encode(op.emoji))]);
        break;
      case 'emojis.clear':
        other(['UNLINK', keys.emojis(op.guildId)]);
        break;
      case 'voice.put':
        push([
          'HSET',
          keys.voiceStates(op.guildId),
          op.state.user_id,
          bytes(policy.stored.voiceState.encode(op.state)),
        ]);
        break;
      case 'voice.drop':
        other(['HDEL', keys.voiceStates(op.guildId), op.userId]);
        break;
      default:
        throw new Error(`redis cache: unknown write ${(op as { type: string }).type}`);
    }
  }
  return out;
}
