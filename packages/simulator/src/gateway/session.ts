/** A gateway session: its seq, the dispatches it sent (for RESUME), and the connection it currently has, if any. */
import type { BotRecord } from '../state/records.js';

export interface DispatchPayload {
  op: 0;
  t: string;
  s: number;
  d: unknown;
}

/** A dispatch as sent: its seq and its JSON text (`{"t":…,"s":…,"op":0,"d":…}`), serialized once. */
export interface SentDispatch {
  s: number;
  text: string;
}

/** The JSON text of a dispatch, in the key order every payload has (`t`, `s`, `op`, `d`). */
export function dispatchText(t: string, s: number, d: unknown): string {
  return JSON.stringify({ t, s, op: 0, d });
}

/** What a session (and fault injection) needs from a live connection. */
export interface SessionTransport {
  /** Sends an already serialized payload. */
  sendText(text: string): void;
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
  dispatched = 0;
  state: SessionState = 'connected';
  transport: SessionTransport | undefined;
  /** Serialized, so a long buffer holds strings rather than object graphs for the GC to trace. */
  readonly #buffer: SentDispatch[] = [];

  constructor(
    readonly id: string,
    readonly bot: BotRecord,
    readonly shard: readonly [id: number, count: number],
    readonly intents: number,
    readonly largeThreshold: number,
    private readonly maxBuffered: number,
  ) {}

  /** Numbers, buffers and (when connected) sends one dispatch. */
  dispatch(t: string, d: unknown): void {
    if (this.state === 'ended') return;
    const sent: SentDispatch = { s: ++this.seq, text: dispatchText(t, this.seq, d) };
    this.dispatched++;
    this.#buffer.push(sent);
    if (this.#buffer.length > this.maxBuffered) this.#buffer.shift();
    this.transport?.sendText(sent.text);
  }

  /**
   * The dispatches after `seq`, in order; undefined when some of them are no longer buffered or
   * `seq` is ahead of the session (the caller answers those with INVALID_SESSION or 4007).
   */
  replayAfter(seq: number): string[] | undefined {
    if (seq > this.seq) return undefined;
    if (seq === this.seq) return [];
    const first = this.#buffer[0];
    if (!first || first.s > seq + 1) return undefined;
    return this.#buffer.filter((p) => p.s > seq).map((p) => p.text);
  }
}
