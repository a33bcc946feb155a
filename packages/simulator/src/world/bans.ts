/** Guild bans: ban (removes the member), unban, with GUILD_BAN_ADD / GUILD_BAN_REMOVE. */
import type { GuildRecord } from '../state/records.js';
import type { World } from './world.js';

export function banUser(world: World, guild: GuildRecord, userId: string, reason: string | null): void {
  const user = world.store.users.get(userId);
  if (!user) return;
  guild.bans ??= new Map();
  guild.bans.set(userId, { reason });
  if (guild.members.has(userId)) world.removeMember(guild, userId);
  world.dispatcher.toGuild(guild.guild.id, 'GUILD_BAN_ADD', { guild_id: guild.guild.id, user });
}

/** false when the user was not banned. */
export function unbanUser(world: World, guild: GuildRecord, userId: string): boolean {
  if (!guild.bans?.delete(userId)) return false;
  world.dispatcher.toGuild(guild.guild.id, 'GUILD_BAN_REMOVE', {
    guild_id: guild.guild.id,
    user: world.store.users.get(userId),
  });
  return true;
}

export function banOf(world: World, guild: GuildRecord, userId: string) {
  const ban = guild.bans?.get(userId);
  const user = world.store.users.get(userId);
  return ban && user ? { reason: ban.reason, user } : undefined;
}

export function bansOf(world: World, guild: GuildRecord) {
  return [...(guild.bans?.keys() ?? [])].flatMap((id) => {
    const ban = banOf(world, guild, id);
    return ban ? [ban] : [];
  });
}
