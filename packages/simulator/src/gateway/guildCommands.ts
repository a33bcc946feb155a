/**
 * The guild commands a session sends: op 3 PRESENCE_UPDATE (seen by the other bots of the guilds on
 * its shard), op 4 VOICE_STATE_UPDATE (VOICE_STATE_UPDATE to the guild, VOICE_SERVER_UPDATE to the
 * session), op 8 REQUEST_GUILD_MEMBERS (chunks; requests for every member limited to one per guild per
 * 30 s, answered with a RATE_LIMITED dispatch past it).
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '@shardwire/core';
import { ChannelType } from 'discord-api-types/v10';
import { FixedWindows } from '../rest/rateLimit/windows.js';
import { memberWithUser } from '../state/factories.js';
import type { Store } from '../state/store.js';
import { type PresenceData, parsePresenceUpdate, parseVoiceStateUpdate } from './commands.js';
import type { Dispatcher } from './dispatcher.js';
import type { Checked } from './identify.js';
import { memberChunks } from './memberChunks.js';
import type { GatewaySession } from './session.js';

/** Discord: one op 8 request for every member of a guild per 30 s. */
export const ALL_MEMBERS_INTERVAL_MS = 30_000;

export interface GuildCommandOptions {
  store: Store;
  dispatcher: Dispatcher;
  clock: Clock;
  /** One request for every member per guild per this many ms (Discord: 30 s); 0 = not limited. */
  allMembersIntervalMs: number;
}

export interface VoiceState {
  guild_id: string;
  channel_id: string | null;
  user_id: string;
  session_id: string;
  deaf: boolean;
  mute: boolean;
  self_deaf: boolean;
  self_mute: boolean;
  self_video: boolean;
  suppress: boolean;
  request_to_speak_timestamp: null;
}

/** What a command answers: nothing, or a close code for a malformed payload. */
export type CommandResult = { ok: true } | { ok: false; code: number; reason: string };
const OK: CommandResult = { ok: true };
const failed = <T>(checked: Checked<T>): CommandResult =>
  checked.ok ? OK : { ok: false, code: checked.code, reason: checked.reason };

export class GuildCommands {
  readonly #presences = new Map<string, PresenceData>();
  readonly #voice = new Map<string, Map<string, VoiceState>>();
  readonly #memberRequests: FixedWindows;

  constructor(private readonly options: GuildCommandOptions) {
    this.#memberRequests = new FixedWindows(options.clock);
  }

  presenceOf(botId: string): PresenceData | undefined {
    return this.#presences.get(botId);
  }

  voiceStatesOf(guildId: string): VoiceState[] {
    return [...(this.#voice.get(guildId)?.values() ?? [])];
  }

  presenceUpdate(session: GatewaySession, d: unknown): CommandResult {
    const parsed = parsePresenceUpdate(d);
    if (!parsed.ok) return failed(parsed);
    const { store, dispatcher } = this.options;
    const botId = session.bot.user.id;
    this.#presences.set(botId, parsed.value);
    const status = parsed.value.status === 'invisible' ? 'offline' : parsed.value.status;
    for (const guildId of store.shards.guildsOnShard(botId, session.shard[0], session.shard[1])) {
      const guild = store.guilds.get(guildId);
      if (!guild) continue;
      const data = {
        user: { id: botId },
        guild_id: guildId,
        status,
        activities: parsed.value.activities,
        client_status: status === 'offline' ? {} : { web: status },
      };
      for (const other of guild.botIds)
        if (other !== botId) dispatcher.toBotInGuild(other, guildId, 'PRESENCE_UPDATE', data);
    }
    return OK;
  }

  voiceStateUpdate(session: GatewaySession, d: unknown): CommandResult {
    const parsed = parseVoiceStateUpdate(d);
    if (!parsed.ok) return failed(parsed);
    const { guildId, channelId, selfMute, selfDeaf } = parsed.value;
    const { store, dispatcher } = this.options;
    const botId = session.bot.user.id;
    const guild = store.guilds.get(guildId);
    // Discord ignores a guild the bot is not in, or not on this shard, and a channel that is not voice.
    if (!guild?.botIds.has(botId)) return OK;
    if (guild.shardKey % session.shard[1] !== session.shard[0]) return OK;
    if (channelId !== null && store.channels.get(channelId)?.type !== (ChannelType.GuildVoice as number))
      return OK;
    if (channelId !== null && !guild.channelIds.has(channelId)) return OK;
    let states = this.#voice.get(guildId);
    if (!states) {
      states = new Map();
      this.#voice.set(guildId, states);
    }
    const state: VoiceState = {
      guild_id: guildId,
      channel_id: channelId,
      user_id: botId,
      session_id: session.id,
      deaf: false,
      mute: false,
      self_deaf: selfDeaf,
      self_mute: selfMute,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
    if (channelId === null) states.delete(botId);
    else states.set(botId, state);
    const member = guild.members.get(botId);
    const user = store.users.get(botId);
    dispatcher.toGuild(guildId, 'VOICE_STATE_UPDATE', {
      ...state,
      ...(member && user ? { member: memberWithUser(member, user) } : {}),
    });
    if (channelId !== null)
      session.dispatch('VOICE_SERVER_UPDATE', {
        token: randomBytes(8).toString('hex'),
        guild_id: guildId,
        endpoint: 'voice.simulator.invalid:443',
      });
    return OK;
  }

  requestGuildMembers(session: GatewaySession, d: unknown): CommandResult {
    const result = memberChunks(this.options.store, session.bot.user.id, session.intents, d);
    if (!result.ok) return failed(result);
    const request = d as {
      guild_id: string;
      query?: unknown;
      limit?: unknown;
      user_ids?: unknown;
      nonce?: unknown;
    };
    const everyMember =
      request.user_ids === undefined && (request.query ?? '') === '' && (request.limit ?? 0) === 0;
    if (everyMember && this.options.allMembersIntervalMs > 0) {
      const taken = this.#memberRequests.take(
        `${session.bot.user.id}/${request.guild_id}`,
        1,
        this.options.allMembersIntervalMs,
      );
      if (!taken.allowed) {
        const retryMs = taken.state.resetAt - this.options.clock.now();
        session.dispatch('RATE_LIMITED', {
          opcode: 8,
          retry_after: Number((retryMs / 1000).toFixed(3)),
          meta: {
            guild_id: request.guild_id,
            ...(typeof request.nonce === 'string' ? { nonce: request.nonce.slice(0, 32) } : {}),
          },
        });
        return OK;
      }
    }
    for (const chunk of result.value) session.dispatch('GUILD_MEMBERS_CHUNK', chunk);
    return OK;
  }
}
