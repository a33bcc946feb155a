/** Op 3 PRESENCE_UPDATE and op 4 VOICE_STATE_UPDATE validation as pure functions: the data, or the close code. */
import { CloseCode } from './closeCodes.js';
import type { Checked } from './identify.js';

export type PresenceStatus = 'online' | 'dnd' | 'idle' | 'invisible' | 'offline';

export interface PresenceData {
  since: number | null;
  activities: { name: string; type: number; state?: string; url?: string }[];
  status: PresenceStatus;
  afk: boolean;
}

export interface VoiceStateData {
  guildId: string;
  channelId: string | null;
  selfMute: boolean;
  selfDeaf: boolean;
}

const STATUSES = new Set<string>(['online', 'dnd', 'idle', 'invisible', 'offline']);
const fail = (reason: string) => ({ ok: false, code: CloseCode.UnknownOpcode, reason }) as const;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isSnowflake = (v: unknown): v is string => typeof v === 'string' && /^\d{1,20}$/.test(v);

export function parsePresenceUpdate(d: unknown): Checked<PresenceData> {
  if (!isObject(d)) return fail('op 3 needs an object');
  if (typeof d.status !== 'string' || !STATUSES.has(d.status)) return fail('status');
  if (d.since !== null && d.since !== undefined && typeof d.since !== 'number') return fail('since');
  if (typeof d.afk !== 'boolean' && d.afk !== undefined) return fail('afk');
  if (!Array.isArray(d.activities) || d.activities.length > 1)
    return fail('activities: an array of at most 1');
  const activities: PresenceData['activities'] = [];
  for (const activity of d.activities) {
    if (!isObject(activity) || typeof activity.name !== 'string' || !Number.isInteger(activity.type))
      return fail('activity needs name and type');
    activities.push({
      name: activity.name.slice(0, 128),
      type: activity.type as number,
      ...(typeof activity.state === 'string' ? { state: activity.state.slice(0, 128) } : {}),
      ...(typeof activity.url === 'string' ? { url: activity.url } : {}),
    });
  }
  return {
    ok: true,
    value: {
      since: typeof d.since === 'number' ? d.since : null,
      activities,
      status: d.status as PresenceStatus,
      afk: d.afk === true,
    },
  };
}

export function parseVoiceStateUpdate(d: unknown): Checked<VoiceStateData> {
  if (!isObject(d)) return fail('op 4 needs an object');
  if (!isSnowflake(d.guild_id)) return fail('guild_id');
  if (d.channel_id !== null && !isSnowflake(d.channel_id)) return fail('channel_id');
  if (typeof d.self_mute !== 'boolean' || typeof d.self_deaf !== 'boolean')
    return fail('self_mute and self_deaf');
  return {
    ok: true,
    value: { guildId: d.guild_id, channelId: d.channel_id, selfMute: d.self_mute, selfDeaf: d.self_deaf },
  };
}
