/**
 * A member's permissions, per Discord's documented algorithm (developers/topics/permissions.mdx):
 * owner → all; @everyone | member roles; ADMINISTRATOR → all; then the channel's @everyone
 * overwrite, the role overwrites together, the member overwrite; timed-out members keep only
 * VIEW_CHANNEL and READ_MESSAGE_HISTORY; implicit denials (no VIEW_CHANNEL, no SEND_MESSAGES).
 */
import { ChannelType, PermissionFlagsBits as P } from 'discord-api-types/v10';

export const ALL_PERMISSIONS: bigint = Object.values(P).reduce((all, bit) => all | bit, 0n);

export interface PermissionOverwrite {
  id: string;
  /** 0 role, 1 member. */
  type: number;
  allow: bigint;
  deny: bigint;
}

export interface PermissionInput {
  guildId: string;
  ownerId: string | undefined;
  userId: string;
  /** The @everyone role's permissions (the role whose id is the guild's). */
  everyone: bigint;
  /** The member's roles that still exist in the guild, with their permissions. */
  roles: readonly { id: string; permissions: bigint }[];
  /** The channel's overwrites (a thread's parent's); absent for guild-level permissions. */
  overwrites?: readonly PermissionOverwrite[];
  /** The channel's type, for implicit denials; absent for guild-level permissions. */
  channelType?: number;
  /** `communication_disabled_until` in ms, and the time now. */
  timedOutUntil?: number;
  now?: number;
}

export function basePermissions(input: PermissionInput): bigint {
  if (input.ownerId !== undefined && input.ownerId === input.userId) return ALL_PERMISSIONS;
  let permissions = input.everyone;
  for (const role of input.roles) permissions |= role.permissions;
  if ((permissions & P.Administrator) === P.Administrator) return ALL_PERMISSIONS;
  return permissions;
}

export function applyOverwrites(base: bigint, input: PermissionInput): bigint {
  if ((base & P.Administrator) === P.Administrator) return ALL_PERMISSIONS;
  const overwrites = input.overwrites ?? [];
  let permissions = base;
  const everyone = overwrites.find((o) => o.id === input.guildId);
  if (everyone) {
    permissions &= ~everyone.deny;
    permissions |= everyone.allow;
  }
  let allow = 0n;
  let deny = 0n;
  for (const role of input.roles) {
    const overwrite = overwrites.find((o) => o.id === role.id && o.type === 0);
    if (overwrite) {
      allow |= overwrite.allow;
      deny |= overwrite.deny;
    }
  }
  permissions &= ~deny;
  permissions |= allow;
  const member = overwrites.find((o) => o.id === input.userId && o.type === 1);
  if (member) {
    permissions &= ~member.deny;
    permissions |= member.allow;
  }
  return permissions;
}

const TEXT_SEND_DEPENDENTS = P.MentionEveryone | P.SendTTSMessages | P.AttachFiles | P.EmbedLinks;
const VOICE = new Set<number>([ChannelType.GuildVoice, ChannelType.GuildStageVoice]);

/**
 * Permissions that Discord ignores because their base action is denied: nothing without
 * VIEW_CHANNEL; in text channels, no mentions of @everyone, TTS, files or embeds without SEND_MESSAGES.
 */
export function applyImplicit(permissions: bigint, channelType: number | undefined): bigint {
  if (channelType === undefined || permissions === ALL_PERMISSIONS) return permissions;
  if ((permissions & P.ViewChannel) === 0n) return 0n;
  if ((permissions & P.SendMessages) === 0n && !VOICE.has(channelType)) {
    permissions &= ~TEXT_SEND_DEPENDENTS;
  }
  return permissions;
}

/** Guild-level permissions when `overwrites` is absent, channel permissions otherwise. */
export function computePermissions(input: PermissionInput): bigint {
  const base = basePermissions(input);
  let permissions = input.overwrites === undefined ? base : applyOverwrites(base, input);
  const timedOut = input.timedOutUntil !== undefined && input.timedOutUntil > (input.now ?? Date.now());
  if (timedOut && permissions !== ALL_PERMISSIONS) permissions &= P.ViewChannel | P.ReadMessageHistory;
  return applyImplicit(permissions, input.channelType);
}
