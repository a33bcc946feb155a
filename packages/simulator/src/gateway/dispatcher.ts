/** Fans one event out to the sessions of every bot in the guild, on the guild's shard, filtered by intents. */
import type { APIMessage } from 'discord-api-types/v10';
import type { Store } from '../state/store.js';
import { isWanted, MessageJsonText, messageForIntents } from './intents.js';
import type { GatewaySession } from './session.js';
import type { SessionRegistry } from './sessionRegistry.js';

/** An event's data, the same for every bot or built per bot (GUILD_CREATE carries the bot's own `joined_at`). */
export type EventData = unknown | ((botId: string, session: GatewaySession) => unknown);

const MESSAGE_EVENTS = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE']);

/** GUILD_MEMBER_UPDATE about the bot itself is sent without GUILD_MEMBERS, as on Discord. */
function isOwnMemberUpdate(t: string, data: EventData, botId: string): boolean {
  return (
    t === 'GUILD_MEMBER_UPDATE' &&
    typeof data === 'object' &&
    (data as { user?: { id?: string } } | null)?.user?.id === botId
  );
}

export class Dispatcher {
  constructor(
    private readonly store: Store,
    private readonly sessions: SessionRegistry,
  ) {}

  /** To every bot in the guild; `delivered` is told each session the event was numbered for. */
  toGuild(guildId: string, t: string, data: EventData, delivered?: (session: GatewaySession) => void): void {
    const guild = this.store.guilds.get(guildId);
    if (!guild) return;
    for (const botId of guild.botIds)
      this.#deliver(this.sessions.forGuild(botId, guild.shardKey), botId, t, data, true, delivered);
  }

  /** To one bot, on the shard of `guildId` (which may already have been removed from the store, for GUILD_DELETE). */
  toBotInGuild(botId: string, guildId: string, t: string, data: EventData, shardKey?: number): void {
    const key = shardKey ?? this.store.guilds.get(guildId)?.shardKey;
    if (key === undefined) return;
    this.#deliver(this.sessions.forGuild(botId, key), botId, t, data, true);
  }

  /** To one bot's shard-0 sessions: events outside any guild. */
  toBotDirect(botId: string, t: string, data: EventData): void {
    this.#deliver(this.sessions.forShardZero(botId), botId, t, data, false);
  }

  #deliver(
    targets: Iterable<GatewaySession>,
    botId: string,
    t: string,
    data: EventData,
    inGuild: boolean,
    delivered?: (session: GatewaySession) => void,
  ): void {
    for (const session of targets) {
      if (!isWanted(t, inGuild, session.intents) && !isOwnMemberUpdate(t, data, botId)) continue;
      const payload =
        typeof data === 'function'
          ? (data as (botId: string, session: GatewaySession) => unknown)(botId, session)
          : data;
      const d = !MESSAGE_EVENTS.has(t)
        ? payload
        : payload instanceof MessageJsonText
          ? payload.forIntents(botId, session.intents, inGuild)
          : messageForIntents(payload as Partial<APIMessage>, botId, session.intents, inGuild);
      session.dispatch(t, d);
      delivered?.(session);
    }
  }
}
