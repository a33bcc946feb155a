/** The resumable state of one shard's gateway session. */

export interface SessionInfo {
  sessionId: string;
  resumeGatewayUrl: string;
  /** Last sequence number handed on; a RESUME asks Discord to replay everything after it. */
  seq: number;
}

export class ShardSession {
  #info: SessionInfo | undefined;

  constructor(initial?: SessionInfo) {
    this.#info = initial ? { ...initial } : undefined;
  }

  get info(): Readonly<SessionInfo> | undefined {
    return this.#info;
  }

  get canResume(): boolean {
    return this.#info !== undefined;
  }

  /** The last sequence number seen, for heartbeats (null before the first dispatch, as Discord wants). */
  get seq(): number | null {
    return this.#info?.seq ?? this.#pendingSeq;
  }

  #pendingSeq: number | null = null;

  /** READY opened a new session. */
  open(sessionId: string, resumeGatewayUrl: string, seq: number): void {
    this.#info = { sessionId, resumeGatewayUrl, seq };
    this.#pendingSeq = null;
  }

  /** A dispatch with sequence `seq` was handed on. */
  advance(seq: number): void {
    if (this.#info) {
      if (seq > this.#info.seq) this.#info.seq = seq;
    } else if (this.#pendingSeq === null || seq > this.#pendingSeq) {
      this.#pendingSeq = seq;
    }
  }

  /** The session can no longer be resumed (non-resumable op 9, 4007, 4009...). */
  invalidate(): void {
    this.#info = undefined;
    this.#pendingSeq = null;
  }
}
