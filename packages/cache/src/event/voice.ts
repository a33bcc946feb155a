/** VOICE_STATE_UPDATE: a user joined, moved or left (channel_id null) a voice channel. */
import type { GatewayVoiceStateUpdateDispatchData } from 'discord-api-types/v10';
import type { Op } from '../store/Store.js';
import type { EventContext } from './context.js';
import { memberOps } from './member.js';

export function voiceStateUpdate(ctx: EventContext, d: GatewayVoiceStateUpdateDispatchData): Op[] {
  const guildId = d.guild_id;
  if (!guildId) return [];
  const ops: Op[] = d.member ? memberOps(ctx, guildId, d.member) : [];
  if (!ctx.policy.wants('voiceState')) return ops;
  if (d.channel_id === null) {
    ops.push({ type: 'voice.drop', guildId, userId: d.user_id });
  } else {
    const { member: _member, ...state } = d;
    ops.push({ type: 'voice.put', guildId, state });
  }
  return ops;
}
