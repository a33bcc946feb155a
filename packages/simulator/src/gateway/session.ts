/** A gateway session: its seq, the dispatches it sent (for RESUME), and the connection it currently has, if any. */
import type { BotRecord } from '../state/records.js';
import type { ShardCounters } from '../stats.js';
import { type FrameSink, ReplayBuffer } from './replayBuffer.js';

export interface DispatchPayload {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/**
 * An event's `d` already serialized (synthetic load builds its dispatches as text): put in the
 * payload as is, with no object made or stringified per event and session.
 */
export class JsonText {
  constructor(readonly json: string) {}
}

/**
 * The JSON text of a dispatch, in the key order every payload has (`t`, `s`, `op`, `d`). Event names
 * are upper-case ASCII words: nothing in `t` needs escaping.
 */
export function dispatchText(t: string, s: number, d: unknown): string {
  if (d instanceof JsonText) return `{"t":"${t}","s":${s},"op":0,"d":${d.json}}`;
  return JSON.stringify({ t, s, op: 0, d });
}

/** What a session (and fault injection) needs from a live connection; it takes dispatches as frames. */
export interface SessionTransport extends FrameSink {
  sendOp(op: number, d: unknown): void;
  close(code: number, reason?: string): void;
  /** Drops the TCP connection with no close frame. */
  terminate(): void;
  /** Forgets the session (after op 9 false): the client may IDENTIFY again on this connection. */
  detach(): void;
  /** false: heartbeats are still read but no longer acknowledged (a zombied connection). */
  ackHeartbeats: boolean;
}

export type SessionState = 'connected' | 'resumable' | 'ended';

export class GatewaySession {
  seq = 0;
  /** The highest seq written to a connection: what was dispatched; the rest waits for a RESUME. */
  delivered = 0;
  state: SessionState = 'connected';
  transport: SessionTransport | undefined;
  readonly #buffer = new ReplayBuffer();

  /**
   * `history`: dispatches kept while connected, for a client that resumes from an older seq than
   * its last (one that lost what it had received). While disconnected nothing is dropped: Discord
   * keeps what the session misses until the resume window ends it.
   */
  constructor(
    readonly id: string,
    readonly bot: BotRecord,
    readonly shard: readonly [id: number, count: number],
    readonly intents: number,
    readonly largeThreshold: number,
    private readonly history: number,
    readonly counters: ShardCounters,
  ) {}

  /** Numbers, buffers and (when connected) sends one dispatch. */
  dispatch(t: string, d: unknown): void {
    if (this.state === 'ended') return;
    const transport = this.transport;
    this.#buffer.push(dispatchText(t, ++this.seq, d), transport);
    if (!transport) return;
    this.#buffer.keepLast(this.history);
    this.#sent(this.seq);
  }

  /**
   * Sends the dispatches after `seq` on `transport`, in order, and attaches it; false (nothing sent)
   * when some of them are no longer buffered. The caller answers a `seq` ahead of the session.
   */
  resumeOn(transport: SessionTransport, seq: number): boolean {
    if (!this.#buffer.replay(seq, transport)) return false;
    this.transport = transport;
    this.state = 'connected';
    this.#sent(this.seq);
    this.#buffer.keepLast(this.history);
    return true;
  }

  /** Ends the session: what it never delivered is counted as dropped. */
  end(): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.transport = undefined;
    this.counters.dropped += this.seq - this.delivered;
  }

  /** Dispatches numbered but not yet sent, waiting for a RESUME. */
  get pending(): number {
    return this.state === 'ended' ? 0 : this.seq - this.delivered;
  }

  #sent(upTo: number): void {
    if (upTo <= this.delivered) return;
    this.counters.dispatched += upTo - this.delivered;
    this.delivered = upTo;
  }
}
