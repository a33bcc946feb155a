/** The envelope: one gateway dispatch as it travels between services, the same in every broker. */

export interface Envelope<D = unknown> {
  /** Stable across redeliveries and restarts: `bot:shard:session:seq`. Consumers dedupe on it. */
  id: string;
  /** The bot's application (user) id. */
  bot: string;
  shard: number;
  seq: number;
  /** Discord's event name, untouched. */
  t: string;
  /** Discord's payload, untouched. */
  d: D;
  guildId?: string;
  /**
   * The guild's stable partition (`(guild_id >> 22) % partitions`, a count fixed for the bot, not the
   * shard count): consumers route and order by it, and it does not change when the gateway reshards.
   */
  partition?: number;
  /** Unix ms at which the gateway received the dispatch. */
  receivedAt: number;
  /** W3C trace context, when tracing is on. */
  traceparent?: string;
}

export function envelopeId(bot: string, shard: number, sessionId: string, seq: number): string {
  return `${bot}:${shard}:${sessionId}:${seq}`;
}

/** The routing key an envelope is published under. */
export function eventRoutingKey(t: string): string {
  return `events.${t}`;
}

/** Where outgoing gateway commands for a shard are published. */
export function gatewayCommandRoutingKey(shard: number): string {
  return `gateway.commands.${shard}`;
}

/** Reads the guild id a dispatch belongs to, where Discord puts one. */
export function guildIdOf(t: string, d: unknown): string | undefined {
  if (d === null || typeof d !== 'object') return undefined;
  const payload = d as Record<string, unknown>;
  if (t.startsWith('GUILD_') && t !== 'GUILD_AUDIT_LOG_ENTRY_CREATE' && typeof payload.id === 'string') {
    // GUILD_CREATE/UPDATE/DELETE carry the guild as `id`; the others carry `guild_id`.
    if (t === 'GUILD_CREATE' || t === 'GUILD_UPDATE' || t === 'GUILD_DELETE') return payload.id;
  }
  return typeof payload.guild_id === 'string' ? payload.guild_id : undefined;
}
