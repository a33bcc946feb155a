/**
 * One gateway shard: connect, HELLO, IDENTIFY or RESUME, dispatches in order, reconnects.
 * Heartbeats, compression, the send limit and the session live in their own files beside this one.
 */
import { EventEmitter } from 'node:events';
import { JsonText } from '@shardwire/broker';
import { type Clock, guildIdOf, type Logger, systemClock, type Timer } from '@shardwire/core';
import { GatewayOpcodes } from 'discord-api-types/v10';
import WebSocket from 'ws';
import type { IdentifyThrottler } from '../identify/IdentifyThrottler.js';
import { type BackoffOptions, backoffDelay } from './backoff.js';
import { type CloseAction, classifyClose, ShardFatalError } from './closeCodes.js';
import { type Compression, createInflater, type Inflater } from './compression/index.js';
import { Heartbeat } from './heartbeat.js';
import { PayloadInbox } from './PayloadInbox.js';
import { decodePayload, type Payload } from './payload.js';
import { SendLimiter } from './sendLimiter.js';
import { type SessionInfo, ShardSession } from './session.js';

export type ShardStatus =
  | 'idle'
  | 'connecting'
  | 'identifying'
  | 'resuming'
  | 'ready'
  | 'reconnecting'
  | 'stopped';

/** One dispatch (op 0) as the shard hands it on, in sequence order. */
export interface Dispatch {
  shard: number;
  t: string;
  /** The payload, or a `JsonText` of it for the types the shard was told to keep as text. */
  d: unknown;
  /** The guild the dispatch belongs to, where Discord puts one (`guildIdOf`). */
  guildId: string | undefined;
  seq: number;
  /** The session the dispatch belongs to (part of the envelope id). */
  sessionId: string;
  receivedAt: number;
}

export interface ShardOptions {
  id: number;
  count: number;
  token: string;
  intents: number;
  /** `url` of `GET /gateway/bot`. */
  gatewayUrl: string;
  identifyThrottler: IdentifyThrottler;
  /**
   * Called for every dispatch, in order. A returned promise holds back the next message until it
   * settles (back-pressure); past `maxInbox` waiting messages the socket stops reading.
   */
  onDispatch: (dispatch: Dispatch) => void | Promise<void>;
  /**
   * Dispatch types whose `d` is not parsed here but handed on as a `JsonText` (the types nothing on
   * the gateway's path reads; see payload.ts). Default: none, every payload is parsed.
   */
  keepAsText?: (t: string) => boolean;
  /** A stored session to RESUME instead of identifying. */
  session?: SessionInfo;
  compression?: Compression | null;
  presence?: unknown;
  largeThreshold?: number;
  clock?: Clock;
  random?: () => number;
  backoff?: BackoffOptions;
  /** Wait before re-identifying after a non-resumable op 9: [min, max] ms. Default [1,000, 5,000]. */
  invalidSessionDelayMs?: readonly [number, number];
  /** No HELLO within this time closes and retries. Default 20,000 ms. */
  helloTimeoutMs?: number;
  maxInbox?: number;
  logger?: Logger;
}

export interface ShardEvents {
  status: [status: ShardStatus, previous: ShardStatus];
  ready: [info: SessionInfo];
  resumed: [info: SessionInfo];
  /** The connection went away and will be retried (`resume` or `reidentify`). */
  reconnect: [action: CloseAction, reason: string];
  identify: [];
  fatal: [error: ShardFatalError];
  heartbeat: [latencyMs: number];
}

interface Connection {
  ws: WebSocket;
  inflater: Inflater | undefined;
  /** Payloads in arrival order; an Error where a frame could not be decoded. */
  inbox: PayloadInbox;
  draining: boolean;
  paused: boolean;
  abort: AbortController;
  heartbeat: Heartbeat | undefined;
  helloTimer: Timer | undefined;
}

const API_VERSION = 10;

export class Shard extends EventEmitter<ShardEvents> {
  readonly id: number;
  readonly #options: ShardOptions;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #session: ShardSession;
  readonly #limiter: SendLimiter;
  #status: ShardStatus = 'idle';
  #conn: Connection | undefined;
  #attempt = 0;
  #reconnectTimer: Timer | undefined;
  #stopped = false;
  #fatal: ShardFatalError | undefined;

  constructor(options: ShardOptions) {
    super();
    this.id = options.id;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#session = new ShardSession(options.session);
    this.#limiter = new SendLimiter({ clock: this.#clock });
  }

  get status(): ShardStatus {
    return this.#status;
  }

  get session(): Readonly<SessionInfo> | undefined {
    return this.#session.info;
  }

  get heartbeatLatencyMs(): number | undefined {
    return this.#conn?.heartbeat?.latencyMs;
  }

  /** Messages received and not yet handed on. */
  get inboxSize(): number {
    return this.#conn?.inbox.length ?? 0;
  }

  get fatalError(): ShardFatalError | undefined {
    return this.#fatal;
  }

  /** Opens the connection; resolves once the first connection attempt is under way. */
  connect(): void {
    if (this.#stopped) throw new Error(`shard ${this.id} is stopped`);
    if (this.#conn || this.#reconnectTimer) return;
    this.#open();
  }

  /**
   * Sends an ordinary gateway command (presence, voice state, request guild members) within the
   * send limit, once the shard is ready. Rejects when the shard stops or `signal` aborts.
   */
  async send(payload: { op: number; d: unknown }, signal?: AbortSignal): Promise<void> {
    for (;;) {
      await this.#whenReady(signal);
      const conn = this.#conn!;
      await this.#limiter.acquire(signal);
      if (this.#conn === conn && this.#status === 'ready' && conn.ws.readyState === WebSocket.OPEN) {
        conn.ws.send(JSON.stringify(payload));
        return;
      }
      // The connection changed while waiting: the slot belonged to the old one; wait again.
    }
  }

  /**
   * Stops the shard. With `keepSession` (default) it closes with a resumable code so that a later
   * process can RESUME the session; otherwise with 1000, which ends the session at Discord.
   */
  stop(options: { keepSession?: boolean } = {}): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#reconnectTimer?.cancel();
    this.#reconnectTimer = undefined;
    this.#teardown(options.keepSession === false ? 1000 : 4000);
    this.#limiter.close(new Error(`shard ${this.id} stopped`));
    this.#setStatus('stopped');
  }

  #open(): void {
    const resume = this.#session.info;
    // A resume URL that keeps failing (a stored one gone stale) gives way to the main URL, where a
    // RESUME still works or earns an op 9 and a fresh IDENTIFY.
    const base = resume && this.#attempt < 3 ? resume.resumeGatewayUrl : this.#options.gatewayUrl;
    const url = new URL(base);
    url.searchParams.set('v', String(API_VERSION));
    url.searchParams.set('encoding', 'json');
    if (this.#options.compression) url.searchParams.set('compress', this.#options.compression);
    this.#setStatus('connecting');
    this.#limiter.reset();

    const ws = new WebSocket(url.toString(), { perMessageDeflate: false });
    const conn: Connection = {
      ws,
      inflater: createInflater(this.#options.compression),
      inbox: new PayloadInbox(),
      draining: false,
      paused: false,
      abort: new AbortController(),
      heartbeat: undefined,
      helloTimer: undefined,
    };
    this.#conn = conn;
    conn.helloTimer = this.#clock.setTimeout(() => {
      if (this.#conn === conn) this.#lose('resume', 'no HELLO in time', 4000);
    }, this.#options.helloTimeoutMs ?? 20_000);

    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.#conn !== conn) return;
      if (conn.inflater && isBinary) {
        try {
          const bytes = conn.inflater.push(data);
          if (bytes === null) return; // the payload continues in the next frame
          conn.inbox.push(bytes);
        } catch (err) {
          conn.inbox.pushError(err as Error);
        }
      } else {
        conn.inbox.push(data);
      }
      const max = this.#options.maxInbox ?? 10_000;
      if (!conn.paused && conn.inbox.length >= max) {
        conn.paused = true;
        ws.pause();
      }
      if (!conn.draining) void this.#drain(conn);
    });
    ws.on('close', (code: number, reason: Buffer) => {
      if (this.#conn !== conn) return;
      const verdict = classifyClose(code);
      this.#options.logger?.warn(
        { shard: this.id, code, reason: reason.toString(), action: verdict.action },
        `gateway closed the connection: ${verdict.reason}`,
      );
      if (verdict.action === 'fatal') return this.#die(code, verdict.reason);
      this.#lose(verdict.action, verdict.reason);
    });
    ws.on('error', (err: Error) => {
      if (this.#conn !== conn) return;
      this.#options.logger?.warn({ shard: this.id, err }, 'gateway connection error');
      // A `close` event follows and decides what to do.
    });
  }

  async #drain(conn: Connection): Promise<void> {
    conn.draining = true;
    try {
      while (conn.inbox.length > 0 && this.#conn === conn) {
        const raw = conn.inbox.shift()!;
        if (conn.paused && conn.inbox.length < (this.#options.maxInbox ?? 10_000) / 2) {
          conn.paused = false;
          conn.ws.resume();
        }
        if (raw instanceof Error) {
          this.#options.logger?.warn({ shard: this.id, err: raw }, 'failed to decode gateway message');
          this.#lose('resume', 'decompression failed', 4002);
          return;
        }
        let payload: Payload;
        try {
          payload = decodePayload(raw, this.#options.keepAsText);
        } catch (err) {
          this.#options.logger?.warn({ shard: this.id, err }, 'undecodable gateway payload');
          this.#lose('resume', 'undecodable payload', 4002);
          return;
        }
        try {
          const pending = this.#handle(conn, payload);
          // A socket read holds hundreds of frames, all received before any promise settles:
          // yielding lets this payload's publish, confirm and delivery finish before the next is
          // decoded, so the objects of one payload die young instead of hundreds surviving together.
          await pending;
        } catch (err) {
          if (this.#conn !== conn) return;
          this.#options.logger?.warn({ shard: this.id, err }, 'failed to handle a gateway payload');
          this.#lose('resume', 'failed to handle a payload', 4002);
          return;
        }
      }
    } finally {
      conn.draining = false;
    }
  }

  #handle(conn: Connection, payload: Payload): void | Promise<void> {
    switch (payload.op) {
      case GatewayOpcodes.Dispatch:
        return this.#dispatch(payload.t ?? '', payload.d, payload.s ?? 0, payload.guildId);
      case GatewayOpcodes.Hello:
        return this.#hello(conn, (payload.d as { heartbeat_interval: number }).heartbeat_interval);
      case GatewayOpcodes.HeartbeatAck:
        conn.heartbeat?.ack();
        if (conn.heartbeat?.latencyMs !== undefined) this.emit('heartbeat', conn.heartbeat.latencyMs);
        return;
      case GatewayOpcodes.Heartbeat:
        conn.heartbeat?.beatNow();
        return;
      case GatewayOpcodes.Reconnect:
        this.#lose('resume', 'gateway asked to reconnect (op 7)', 4000);
        return;
      case GatewayOpcodes.InvalidSession:
        return this.#invalidSession(payload.d === true);
      default:
        this.#options.logger?.debug({ shard: this.id, op: payload.op }, 'ignored gateway opcode');
    }
  }

  /** `guildId`: read with a `d` kept as text, which is not parsed here. */
  #dispatch(t: string, d: unknown, seq: number, guildId?: string): void | Promise<void> {
    if (t === 'READY') {
      const ready = d as { session_id: string; resume_gateway_url: string };
      this.#session.open(ready.session_id, ready.resume_gateway_url, seq);
      this.#attempt = 0;
      this.#setStatus('ready');
      this.emit('ready', { ...this.#session.info! });
    } else {
      this.#session.advance(seq);
    }
    if (t === 'RESUMED') {
      this.#attempt = 0;
      this.#setStatus('ready');
      this.emit('resumed', { ...this.#session.info! });
    }
    const info = this.#session.info;
    return this.#options.onDispatch({
      shard: this.id,
      t,
      d,
      guildId: d instanceof JsonText ? guildId : guildIdOf(t, d),
      seq,
      sessionId: info?.sessionId ?? '',
      receivedAt: this.#clock.now(),
    });
  }

  async #hello(conn: Connection, intervalMs: number): Promise<void> {
    conn.helloTimer?.cancel();
    conn.helloTimer = undefined;
    this.#limiter.reserveForHeartbeat(intervalMs);
    conn.heartbeat = new Heartbeat({
      clock: this.#clock,
      intervalMs,
      random: this.#random,
      beat: () => this.#sendPriority(conn, { op: GatewayOpcodes.Heartbeat, d: this.#session.seq }),
      onZombie: () => {
        this.#options.logger?.warn({ shard: this.id }, 'no HEARTBEAT_ACK: zombie connection, resuming');
        this.#lose('resume', 'zombie connection (no heartbeat ACK)', 4000, true);
      },
    });
    conn.heartbeat.start();

    const info = this.#session.info;
    if (info) {
      this.#setStatus('resuming');
      this.#sendPriority(conn, {
        op: GatewayOpcodes.Resume,
        d: { token: this.#options.token, session_id: info.sessionId, seq: info.seq },
      });
      return;
    }
    this.#setStatus('identifying');
    // Identifying waits for its slot without holding back heartbeats or other messages.
    void this.#identify(conn);
  }

  async #identify(conn: Connection): Promise<void> {
    try {
      await this.#options.identifyThrottler.waitForIdentify(this.id, conn.abort.signal);
    } catch (err) {
      if (conn.abort.signal.aborted) return;
      this.#options.logger?.error({ shard: this.id, err }, 'identify throttler failed');
      this.#lose('reidentify', 'identify throttler failed', 4000);
      return;
    }
    if (this.#conn !== conn) return;
    this.emit('identify');
    this.#sendPriority(conn, {
      op: GatewayOpcodes.Identify,
      d: {
        token: this.#options.token,
        intents: this.#options.intents,
        properties: { os: process.platform, browser: 'shardwire', device: 'shardwire' },
        shard: [this.id, this.#options.count],
        compress: false,
        large_threshold: this.#options.largeThreshold ?? 250,
        ...(this.#options.presence ? { presence: this.#options.presence } : {}),
      },
    });
  }

  #invalidSession(resumable: boolean): void {
    if (resumable && this.#session.canResume) {
      this.#lose('resume', 'invalid session (resumable)', 4000);
      return;
    }
    // As discord.js and most libraries do: a new connection, after the 1-5 s wait Discord asks for.
    const [min, max] = this.#options.invalidSessionDelayMs ?? [1_000, 5_000];
    const wait = min + Math.floor(this.#random() * (max - min));
    this.#lose('reidentify', 'invalid session (not resumable)', 4000, false, wait);
  }

  #sendPriority(conn: Connection, payload: { op: number; d: unknown }): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    if (!this.#limiter.tryPriority()) {
      this.#options.logger?.warn(
        { shard: this.id, op: payload.op },
        'send limit reached for a priority payload',
      );
    }
    conn.ws.send(JSON.stringify(payload));
  }

  /** Drops the connection and schedules the next one. */
  #lose(action: CloseAction, reason: string, closeCode?: number, terminate = false, minDelayMs = 0): void {
    if (this.#stopped) return;
    if (action === 'reidentify') this.#session.invalidate();
    this.#teardown(closeCode ?? 4000, terminate);
    this.emit('reconnect', action, reason);
    const delay = Math.max(minDelayMs, backoffDelay(this.#attempt++, this.#random(), this.#options.backoff));
    this.#setStatus('reconnecting');
    this.#options.logger?.info({ shard: this.id, action, reason, delayMs: delay }, 'reconnecting');
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = undefined;
      if (!this.#stopped) this.#open();
    }, delay);
  }

  #die(code: number, reason: string): void {
    this.#fatal = new ShardFatalError(this.id, code, reason);
    this.#options.logger?.error({ shard: this.id, code }, this.#fatal.message);
    this.stop();
    this.emit('fatal', this.#fatal);
  }

  #teardown(code: number, terminate = false): void {
    const conn = this.#conn;
    if (!conn) return;
    this.#conn = undefined;
    conn.abort.abort(new Error('connection closed'));
    conn.helloTimer?.cancel();
    conn.heartbeat?.stop();
    conn.inflater?.close();
    conn.inbox.clear();
    conn.ws.removeAllListeners();
    conn.ws.on('error', () => {});
    if (terminate || conn.ws.readyState === WebSocket.CONNECTING) conn.ws.terminate();
    else if (conn.ws.readyState === WebSocket.OPEN) {
      conn.ws.close(code);
      // A peer that never answers the close frame is cut off.
      const timer = setTimeout(() => conn.ws.terminate(), 5_000);
      timer.unref();
      conn.ws.once('close', () => clearTimeout(timer));
    }
  }

  #whenReady(signal?: AbortSignal): Promise<void> {
    if (this.#status === 'ready') return Promise.resolve();
    if (this.#stopped) return Promise.reject(new Error(`shard ${this.id} is stopped`));
    return new Promise((resolve, reject) => {
      const onStatus = (status: ShardStatus) => {
        if (status === 'ready') done(resolve);
        else if (status === 'stopped') done(() => reject(new Error(`shard ${this.id} is stopped`)));
      };
      const onAbort = () => done(() => reject(signal!.reason));
      const done = (then: () => void) => {
        this.off('status', onStatus);
        signal?.removeEventListener('abort', onAbort);
        then();
      };
      this.on('status', onStatus);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #setStatus(status: ShardStatus): void {
    if (status === this.#status) return;
    const previous = this.#status;
    this.#status = status;
    this.emit('status', status, previous);
  }
}
