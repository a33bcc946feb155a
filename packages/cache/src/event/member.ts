/** GUILD_MEMBER_ADD, GUILD_MEMBER_UPDATE, GUILD_MEMBER_REMOVE, GUILD_MEMBERS_CHUNK. */
import type {
  APIGuildMember,
  APIUser,
  GatewayGuildMemberAddDispatchData,
  GatewayGuildMemberRemoveDispatchData,
  GatewayGuildMembersChunkDispatchData,
  GatewayGuildMemberUpdateDispatchData,
} from 'discord-api-types/v10';
import type { MemberFields, Op } from '../store/Store.js';
import { type EventContext, merge } from './context.js';

function withoutUser(member: Partial<APIGuildMember>): MemberFields {
  const { user: _user, ...rest } = member as Partial<APIGuildMember> & { guild_id?: string };
  delete (rest as { guild_id?: string }).guild_id;
  return rest as MemberFields;
}

/** The writes for one full member (its user, then its own fields), as far as the cache wants them. */
export function memberOps(ctx: EventContext, guildId: string, member: APIGuildMember): Op[] {
  const user = member.user;
  if (!user) return [];
  const ops: Op[] = [];
  if (ctx.policy.wants('user')) ops.push({ type: 'user.put', user });
  if (ctx.policy.wants('member')) {
    ops.push({ type: 'member.put', guildId, userId: user.id, member: withoutUser(member) });
  }
  return ops;
}

async function countChange(ctx: EventContext, guildId: string, delta: number): Promise<Op[]> {
  if (!ctx.policy.guild.keeps('member_count')) return [];
  const guild = await ctx.store.guild(guildId);
  if (guild?.member_count === undefined) return [];
  const shard = (await ctx.store.shardOf(guildId)) ?? ctx.shard;
  const guildUpdate = { ...guild, member_count: Math.max(0, guild.member_count + delta) };
  return [{ type: 'guild.put', guildId, shard, guild: guildUpdate }];
}

export async function memberAdd(ctx: EventContext, d: GatewayGuildMemberAddDispatchData): Promise<Op[]> {
  return [...memberOps(ctx, d.guild_id, d), ...(await countChange(ctx, d.guild_id, 1))];
}

export async function memberUpdate(
  ctx: EventContext,
  d: GatewayGuildMemberUpdateDispatchData,
): Promise<Op[]> {
  const ops: Op[] = [];
  if (ctx.policy.wants('user')) {
    const oldUser = await ctx.store.user(d.user.id);
    ops.push({ type: 'user.put', user: merge<APIUser>(oldUser, d.user) });
  }
  if (ctx.policy.wants('member')) {
    const old = await ctx.store.member(d.guild_id, d.user.id);
    const fields = merge<MemberFields>(old && withoutUser(old), withoutUser(d as Partial<APIGuildMember>));
    ops.push({ type: 'member.put', guildId: d.guild_id, userId: d.user.id, member: fields });
  }
  return ops;
}

export async function memberRemove(
  ctx: EventContext,
  d: GatewayGuildMemberRemoveDispatchData,
): Promise<Op[]> {
  const ops: Op[] = [{ type: 'member.drop', guildId: d.guild_id, userId: d.user.id }];
  // Discord keeps counting members the cache never held, so the count moves either way.
  return [...ops, ...(await countChange(ctx, d.guild_id, -1))];
}

export function membersChunk(ctx: EventContext, d: GatewayGuildMembersChunkDispatchData): Op[] {
  return d.members.flatMap((member) => memberOps(ctx, d.guild_id, member));
}
