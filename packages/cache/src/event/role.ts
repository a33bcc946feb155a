/** GUILD_ROLE_CREATE, GUILD_ROLE_UPDATE, GUILD_ROLE_DELETE. */
import type {
  GatewayGuildRoleCreateDispatchData,
  GatewayGuildRoleDeleteDispatchData,
  GatewayGuildRoleUpdateDispatchData,
} from 'discord-api-types/v10';
import type { Op } from '../store/Store.js';
import type { EventContext } from './context.js';

export function rolePut(
  ctx: EventContext,
  d: GatewayGuildRoleCreateDispatchData | GatewayGuildRoleUpdateDispatchData,
): Op[] {
  if (!ctx.policy.wants('role')) return [];
  return [{ type: 'role.put', guildId: d.guild_id, role: d.role }];
}

/** Members keep the deleted role's id; reads and permissions ignore roles the guild no longer has. */
export function roleDelete(ctx: EventContext, d: GatewayGuildRoleDeleteDispatchData): Op[] {
  if (!ctx.policy.wants('role')) return [];
  return [{ type: 'role.drop', guildId: d.guild_id, roleId: d.role_id }];
}
