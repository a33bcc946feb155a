/** USER_UPDATE: the bot's own user changed. */
import type { APIUser, GatewayUserUpdateDispatchData } from 'discord-api-types/v10';
import type { Op } from '../store/Store.js';
import { type EventContext, merge } from './context.js';

export async function userUpdate(ctx: EventContext, d: GatewayUserUpdateDispatchData): Promise<Op[]> {
  if (!ctx.policy.wants('user')) return [];
  const old = await ctx.store.user(d.id);
  return [{ type: 'user.put', user: merge<APIUser>(old, d) }];
}
