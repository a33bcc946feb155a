/** What a gateway close code means for the shard, as Discord documents it (pure, table-tested). */

export type CloseAction =
  /** Reconnect and RESUME the session when there is one. */
  | 'resume'
  /** The session is gone: reconnect and IDENTIFY anew. */
  | 'reidentify'
  /** Reconnecting cannot help: stop the shard with an error naming the cause. */
  | 'fatal';

export interface CloseVerdict {
  action: CloseAction;
  reason: string;
}

const TABLE: Record<number, CloseVerdict> = {
  1000: { action: 'reidentify', reason: 'normal closure (session invalidated)' },
  1001: { action: 'reidentify', reason: 'going away (session invalidated)' },
  4000: { action: 'resume', reason: 'unknown error' },
  4001: { action: 'resume', reason: 'unknown opcode sent' },
  4002: { action: 'resume', reason: 'decode error' },
  4003: { action: 'reidentify', reason: 'not authenticated' },
  4004: { action: 'fatal', reason: 'authentication failed: the token is invalid' },
  4005: { action: 'resume', reason: 'already authenticated' },
  4007: { action: 'reidentify', reason: 'invalid seq sent when resuming' },
  4008: { action: 'resume', reason: 'rate limited: sent too many gateway commands' },
  4009: { action: 'reidentify', reason: 'session timed out' },
  4010: { action: 'fatal', reason: 'invalid shard sent when identifying' },
  4011: { action: 'fatal', reason: 'sharding required: the bot has too many guilds for its shard count' },
  4012: { action: 'fatal', reason: 'invalid API version' },
  4013: { action: 'fatal', reason: 'invalid intents: the intents value is not a valid bitfield' },
  4014: { action: 'fatal', reason: 'disallowed intents: a privileged intent is not enabled for the bot' },
};

export function classifyClose(code: number): CloseVerdict {
  return TABLE[code] ?? { action: 'resume', reason: `connection closed (code ${code})` };
}

/** A shard stopped by a close code that reconnecting cannot fix. */
export class ShardFatalError extends Error {
  constructor(
    readonly shardId: number,
    readonly code: number,
    readonly reason: string,
  ) {
    super(`shard ${shardId} stopped: gateway closed with ${code} (${reason})`);
    this.name = 'ShardFatalError';
  }
}
