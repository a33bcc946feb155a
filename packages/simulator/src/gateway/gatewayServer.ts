/** The gateway: accepts upgrades on any path, runs IDENTIFY and RESUME, and keeps the sessions. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock, Logger } from '@shardwire/core';
import { GatewayIntentBits, GatewayOpcodes } from 'discord-api-types/v10';
import { WebSocketServer } from 'ws';
import type { Store } from '../state/store.js';
import type { SimStats } from '../stats.js';
import { CloseCode, clientCloseEndsSession, keepsSessionResumable } from './closeCodes.js';
import { payloadZlibEncoder, plainEncoder, transportEncoder } from './compression.js';
import { type ConnectionHandlers, GatewayConnection } from './connection.js';
import type { CommandResult, GuildCommands } from './guildCommands.js';
import { disallowedIntents, parseIdentify, parseResume } from './identify.js';
import { buildGuildCreate, buildReady } from './payloads.js';
import { GatewaySession } from './session.js';
import type { SessionRegistry } from './sessionRegistry.js';
import type { SessionStartLimits } from './sessionStartLimit.js';

/** Discord asks for sharding once a shard would hold more than 2,500 guilds. */
export const MAX_GUILDS_PER_SHARD = 2500;
const SUPPORTED_VERSIONS = new Set(['9', '10']);

export interface GatewayServerOptions {
  store: Store;
  sessions: SessionRegistry;
  stats: SimStats;
  startLimits: SessionStartLimits;
  commands: GuildCommands;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** Dispatches a connected session keeps for a RESUME from an older seq (see `GatewaySession`). */
  historyPerSession: number;
  /** The `resume_gateway_url` in READY. */
  gatewayUrl: () => string;
}

export class GatewayServer implements ConnectionHandlers {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  readonly #connections = new Set<GatewayConnection>();

  constructor(private readonly options: GatewayServerOptions) {}

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Node's `upgrade` event handler: any path, `?v=10&encoding=json[&compress=zlib-stream|zstd-stream]`. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(request, socket, head, (ws) => {
      const query = new URL(request.url ?? '/', 'ws://localhost').searchParams;
      const encoder = transportEncoder(query.get('compress'));
      const connection = new GatewayConnection(ws, encoder ?? plainEncoder, {
        clock: this.options.clock,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        handlers: this,
        logger: this.options.logger,
      });
      this.#connections.add(connection);
      this.options.stats.connection(query.get('compress'));
      const version = query.get('v');
      if (version !== null && !SUPPORTED_VERSIONS.has(version)) {
        connection.close(CloseCode.InvalidApiVersion);
        return;
      }
      const encoding = query.get('encoding');
      if (encoding !== null && encoding !== 'json') {
        connection.close(CloseCode.DecodeError, 'only encoding=json is supported');
        return;
      }
      if (!encoder) {
        connection.close(CloseCode.DecodeError, 'only compress=zlib-stream or zstd-stream is supported');
        return;
      }
      connection.start();
    });
  }

  identify(connection: GatewayConnection, d: unknown): void {
    const parsed = parseIdentify(d);
    if (!parsed.ok) {
      connection.close(parsed.code, parsed.reason);
      return;
    }
    const { token, intents, shard, largeThreshold, compress } = parsed.value;
    const { store, sessions, stats } = this.options;
    const bot = store.botByToken(token);
    if (!bot) {
      connection.close(CloseCode.AuthenticationFailed);
      return;
    }
    if (disallowedIntents(intents, bot.privilegedIntents) !== 0) {
      connection.close(CloseCode.DisallowedIntents);
      return;
    }
    if (store.shards.maxGuildsPerShard(bot.user.id, shard[1]) > MAX_GUILDS_PER_SHARD) {
      connection.close(CloseCode.ShardingRequired);
      return;
    }
    const verdict = this.options.startLimits.tryIdentify(bot.user.id, shard[0]);
    if (verdict !== 'ok') {
      // Too many IDENTIFYs in this shard's max_concurrency bucket, or no session starts left today.
      stats.refusedIdentifies.set(verdict, (stats.refusedIdentifies.get(verdict) ?? 0) + 1);
      this.options.logger.debug({ bot: bot.user.id, shard, verdict }, 'identify refused');
      connection.sendOp(GatewayOpcodes.InvalidSession, false);
      return;
    }
    const session = new GatewaySession(
      randomBytes(16).toString('hex'),
      bot,
      shard,
      intents,
      largeThreshold,
      this.options.historyPerSession,
      stats.shard(bot.user.id, shard),
    );
    sessions.add(session);
    this.#attach(connection, session);
    if (compress) connection.usePayloadCompression(payloadZlibEncoder);
    stats.identifies++;
    session.counters.identifies++;
    this.options.logger.debug({ bot: bot.user.id, shard, session: session.id }, 'identified');
    session.dispatch('READY', buildReady(store, bot, session.id, this.options.gatewayUrl(), shard));
    // Without GUILDS the guilds stay unavailable: Discord sends no GUILD_CREATE.
    if ((intents & GatewayIntentBits.Guilds) === 0) return;
    for (const guildId of store.shards.guildsOnShard(bot.user.id, shard[0], shard[1])) {
      const guild = store.guilds.get(guildId);
      if (guild) session.dispatch('GUILD_CREATE', buildGuildCreate(store, guild, bot.user.id, session));
    }
  }

  resume(connection: GatewayConnection, d: unknown): void {
    const parsed = parseResume(d);
    if (!parsed.ok) {
      connection.close(parsed.code, parsed.reason);
      return;
    }
    const { token, sessionId, seq } = parsed.value;
    const { store, sessions, stats } = this.options;
    const bot = store.botByToken(token);
    if (!bot) {
      connection.close(CloseCode.AuthenticationFailed);
      return;
    }
    const session = sessions.get(sessionId);
    if (!session || session.state === 'ended' || session.bot !== bot) {
      connection.sendOp(GatewayOpcodes.InvalidSession, false);
      return;
    }
    if (seq > session.seq) {
      connection.close(CloseCode.InvalidSeq);
      return;
    }
    // A resume takes the session over from a connection that still holds it.
    const previous = session.transport;
    if (!session.resumeOn(connection, seq)) {
      sessions.end(session);
      connection.sendOp(GatewayOpcodes.InvalidSession, false);
      return;
    }
    if (previous instanceof GatewayConnection && previous !== connection) {
      previous.session = undefined;
      previous.close(CloseCode.UnknownError, 'session resumed elsewhere');
    }
    this.#attach(connection, session);
    sessions.resumed(session);
    stats.resumes++;
    session.counters.resumes++;
    session.dispatch('RESUMED', { _trace: ['["shardwire-simulator",{"micros":0}]'] });
  }

  requestGuildMembers(connection: GatewayConnection, d: unknown): void {
    this.#command(connection, (session) => this.options.commands.requestGuildMembers(session, d));
  }

  presenceUpdate(connection: GatewayConnection, d: unknown): void {
    this.#command(connection, (session) => this.options.commands.presenceUpdate(session, d));
  }

  voiceStateUpdate(connection: GatewayConnection, d: unknown): void {
    this.#command(connection, (session) => this.options.commands.voiceStateUpdate(session, d));
  }

  #command(connection: GatewayConnection, run: (session: GatewaySession) => CommandResult): void {
    const session = connection.session;
    if (!session) return;
    const result = run(session);
    if (!result.ok) connection.close(result.code, result.reason);
  }

  closed(connection: GatewayConnection, code: number, byServer: boolean): void {
    this.#connections.delete(connection);
    const session = connection.session;
    if (!session || session.transport !== connection) return;
    const resumable = byServer ? keepsSessionResumable(code) : !clientCloseEndsSession(code);
    if (resumable) this.options.sessions.suspend(session);
    else this.options.sessions.end(session);
  }

  /** Closes every connection (1001, like a Discord node going away) and forgets every session. */
  async close(): Promise<void> {
    for (const connection of this.#connections)
      connection.close(CloseCode.GoingAway, 'simulator shutting down');
    this.options.sessions.endAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    for (const client of this.#wss.clients) client.terminate();
  }

  #attach(connection: GatewayConnection, session: GatewaySession): void {
    connection.session = session;
    connection.authenticated = true;
    session.transport = connection;
  }
}
