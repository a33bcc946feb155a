/** One gateway WebSocket: framing, decode, send rate limit, heartbeats and zombie detection, op routing. */
import type { Socket } from 'node:net';
import type { Clock, Logger, Timer } from '@shardwire/core';
import { GatewayOpcodes } from 'discord-api-types/v10';
import type { WebSocket } from 'ws';
import { CloseCode, closeReason } from './closeCodes.js';
import { type Encoder, plainEncoder } from './compression.js';
import { payloadStart, textFrame } from './frames.js';
import type { DispatchPayload, GatewaySession, SessionTransport } from './session.js';

/** Discord closes with 4002 on client payloads over 4096 bytes. */
export const MAX_CLIENT_FRAME_BYTES = 4096;
/** 120 gateway sends per 60 s per connection, then 4008. */
export const SEND_LIMIT = { count: 120, windowMs: 60_000 };

export interface ConnectionHandlers {
  identify(connection: GatewayConnection, d: unknown): void;
  resume(connection: GatewayConnection, d: unknown): void;
  requestGuildMembers(connection: GatewayConnection, d: unknown): void;
  presenceUpdate(connection: GatewayConnection, d: unknown): void;
  voiceStateUpdate(connection: GatewayConnection, d: unknown): void;
  /** The socket is gone; `code` is the close code that ended it (ours when we closed). */
  closed(connection: GatewayConnection, code: number, byServer: boolean): void;
}

export interface ConnectionOptions {
  clock: Clock;
  heartbeatIntervalMs: number;
  handlers: ConnectionHandlers;
  logger: Logger;
}

export class GatewayConnection implements SessionTransport {
  session: GatewaySession | undefined;
  /** Set once IDENTIFY or RESUME succeeded. */
  authenticated = false;
  ackHeartbeats = true;
  #encoder: Encoder;
  #deadline: Timer | undefined;
  #windowStart = 0;
  #sendsInWindow = 0;
  #serverCloseCode: number | undefined;
  #open = true;
  /** Plain frames waiting for the end of the current synchronous run (see `#flush`). */
  #pending: Buffer[] = [];
  /** Frames sent back to back from one chunk (a session's dispatches), not yet in `#pending`. */
  #runChunk: Buffer | undefined;
  #runStart = 0;
  #runEnd = 0;
  #flushQueued = false;

  constructor(
    private readonly ws: WebSocket,
    encoder: Encoder,
    private readonly options: ConnectionOptions,
  ) {
    this.#encoder = encoder;
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer | Buffer[], isBinary));
    ws.on('close', (code) => this.#onClose(code));
    ws.on('error', (err) => options.logger.debug({ err }, 'gateway socket error'));
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Sends HELLO and starts waiting for heartbeats. */
  start(): void {
    this.sendOp(GatewayOpcodes.Hello, { heartbeat_interval: this.options.heartbeatIntervalMs });
    this.#armDeadline();
  }

  /**
   * Switches to IDENTIFY's `compress: true` payload compression; ignored under transport compression,
   * as on Discord.
   */
  usePayloadCompression(encoder: Encoder): void {
    if (this.#encoder === plainEncoder) this.#encoder = encoder;
  }

  send(payload: DispatchPayload | { op: number; d: unknown; s?: null; t?: null }): void {
    if (!this.#open) return;
    const text = JSON.stringify({ t: null, s: null, ...payload });
    if (this.#encoder !== plainEncoder) this.#sendEncoded(text);
    else if (this.#queue()) this.#pending.push(textFrame(text));
  }

  /**
   * A frame already written (a session's dispatch, see `ReplayBuffer`): sent from where it is with
   * no copy, after what was queued before it; frames that follow one another in their chunk leave
   * as one range. Compressed connections encode its payload.
   */
  sendFrame(frames: Buffer, start: number, end: number): void {
    if (!this.#open) return;
    if (this.#encoder !== plainEncoder) {
      this.#sendEncoded(frames.subarray(payloadStart(frames, start), end));
      return;
    }
    if (frames === this.#runChunk && start === this.#runEnd) {
      this.#runEnd = end;
      return;
    }
    if (!this.#queue()) return;
    this.#runChunk = frames;
    this.#runStart = start;
    this.#runEnd = end;
  }

  /**
   * Readies `#pending` for one more plain frame (the current run closed, a flush queued); false when
   * the socket is no longer open.
   */
  #queue(): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.#endRun();
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      process.nextTick(this.#flush);
    }
    return true;
  }

  #endRun(): void {
    if (this.#runChunk === undefined) return;
    this.#pending.push(this.#runChunk.subarray(this.#runStart, this.#runEnd));
    this.#runChunk = undefined;
  }

  #sendEncoded(payload: string | Buffer): void {
    this.#encoder.encode(payload).then(
      (data) => {
        if (this.#open && this.ws.readyState === this.ws.OPEN) this.ws.send(data);
      },
      // A connection that closed drops what it had still to encode (its deflater is closed): only an
      // encode failing on an open connection is worth a warning.
      (err: unknown) => {
        if (this.#open) this.options.logger.warn({ err }, 'gateway encode failed');
      },
    );
  }

  /**
   * Writes the plain frames queued in one synchronous run (a burst of dispatches) in one socket
   * write (a run of a session's frames is one buffer already), instead of two writes (header,
   * payload) and their bookkeeping per frame through `ws.send`.
   */
  readonly #flush = (): void => {
    this.#flushQueued = false;
    this.#endRun();
    const frames = this.#pending;
    this.#pending = [];
    // ws keeps its net.Socket in `_socket` (never missing on a live server socket).
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (!socket || this.ws.readyState !== this.ws.OPEN) return;
    if (frames.length === 1) {
      socket.write(frames[0]!);
      return;
    }
    // Corked, the writes leave as one writev.
    socket.cork();
    for (const frame of frames) socket.write(frame);
    socket.uncork();
  };

  sendOp(op: number, d: unknown): void {
    this.send({ op, d });
  }

  /** Asks the client for a heartbeat (op 1), as Discord sometimes does. */
  requestHeartbeat(): void {
    this.sendOp(GatewayOpcodes.Heartbeat, this.session?.seq ?? null);
  }

  close(code: number, reason = closeReason(code)): void {
    if (!this.#open) return;
    this.#serverCloseCode = code;
    this.#open = false;
    this.#deadline?.cancel();
    // What was queued before the close goes out before the close frame, as it was sent first.
    if (this.#flushQueued) this.#flush();
    // Close frames are never compressed; pending encoded payloads before it are dropped.
    this.ws.close(code, reason.slice(0, 120));
    // A peer that never answers the close frame is cut off.
    const kill = setTimeout(() => this.ws.terminate(), 2_000);
    kill.unref();
  }

  detach(): void {
    this.session = undefined;
    this.authenticated = false;
  }

  terminate(): void {
    this.#open = false;
    this.#deadline?.cancel();
    this.ws.terminate();
  }

  #armDeadline(): void {
    this.#deadline?.cancel();
    const grace = Math.ceil(this.options.heartbeatIntervalMs * 1.5);
    this.#deadline = this.options.clock.setTimeout(() => {
      this.options.logger.info({ session: this.session?.id }, 'no heartbeat in time, closing (zombie)');
      this.close(CloseCode.SessionTimedOut);
    }, grace);
  }

  #onMessage(data: Buffer | Buffer[], isBinary: boolean): void {
    if (!this.#open) return;
    const buffer = Array.isArray(data) ? Buffer.concat(data) : data;
    if (isBinary) {
      this.close(CloseCode.DecodeError, 'binary frames are not accepted with encoding=json');
      return;
    }
    if (buffer.length > MAX_CLIENT_FRAME_BYTES) {
      this.close(CloseCode.DecodeError, 'payload over 4096 bytes');
      return;
    }
    if (!this.#countSend()) {
      this.close(CloseCode.RateLimited);
      return;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(buffer.toString('utf8'));
    } catch {
      this.close(CloseCode.DecodeError, 'invalid JSON');
      return;
    }
    if (
      typeof payload !== 'object' ||
      payload === null ||
      !Number.isInteger((payload as { op?: unknown }).op)
    ) {
      this.close(CloseCode.DecodeError, 'a payload needs an integer op');
      return;
    }
    const { op, d } = payload as { op: number; d?: unknown };
    this.#route(op, d);
  }

  #route(op: number, d: unknown): void {
    const { handlers } = this.options;
    switch (op) {
      case GatewayOpcodes.Heartbeat:
        this.#armDeadline();
        if (this.ackHeartbeats) this.sendOp(GatewayOpcodes.HeartbeatAck, undefined);
        return;
      case GatewayOpcodes.Identify:
        if (this.authenticated) {
          this.close(CloseCode.AlreadyAuthenticated);
          return;
        }
        handlers.identify(this, d);
        return;
      case GatewayOpcodes.Resume:
        if (this.authenticated) {
          this.close(CloseCode.AlreadyAuthenticated);
          return;
        }
        handlers.resume(this, d);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestGuildMembers:
      case GatewayOpcodes.RequestSoundboardSounds:
      case GatewayOpcodes.RequestChannelInfo:
        if (!this.authenticated) {
          this.close(CloseCode.NotAuthenticated);
          return;
        }
        if (op === GatewayOpcodes.RequestGuildMembers) handlers.requestGuildMembers(this, d);
        else if (op === GatewayOpcodes.PresenceUpdate) handlers.presenceUpdate(this, d);
        else if (op === GatewayOpcodes.VoiceStateUpdate) handlers.voiceStateUpdate(this, d);
        return;
      default:
        this.close(CloseCode.UnknownOpcode);
        return;
    }
  }

  /** Counts one client send; false once the connection is over its 120 per 60 s. */
  #countSend(): boolean {
    const now = this.options.clock.now();
    if (now - this.#windowStart >= SEND_LIMIT.windowMs) {
      this.#windowStart = now;
      this.#sendsInWindow = 0;
    }
    return ++this.#sendsInWindow <= SEND_LIMIT.count;
  }

  #onClose(code: number): void {
    const byServer = this.#serverCloseCode !== undefined;
    this.#open = false;
    this.#deadline?.cancel();
    this.#encoder.close();
    this.options.handlers.closed(this, this.#serverCloseCode ?? code, byServer);
  }
}
