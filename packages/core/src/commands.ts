/** Outgoing gateway commands that workers ask the gateway to send on a shard. */
import type {
  GatewayPresenceUpdateData,
  GatewayRequestGuildMembersData,
  GatewayVoiceStateUpdateData,
} from 'discord-api-types/v10';

export type GatewayCommand =
  | { type: 'presence_update'; shard: number; data: GatewayPresenceUpdateData }
  | { type: 'voice_state_update'; shard: number; data: GatewayVoiceStateUpdateData }
  | { type: 'request_guild_members'; shard: number; data: GatewayRequestGuildMembersData };
