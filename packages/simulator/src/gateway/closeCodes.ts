/** Discord's gateway close codes, with whether the session survives them (so it can be resumed). */

export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  UnknownError: 4000,
  UnknownOpcode: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  InvalidSeq: 4007,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  InvalidShard: 4010,
  ShardingRequired: 4011,
  InvalidApiVersion: 4012,
  InvalidIntents: 4013,
  DisallowedIntents: 4014,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

const REASONS: Record<number, string> = {
  4000: 'Unknown error.',
  4001: 'Unknown opcode.',
  4002: 'Error while decoding payload.',
  4003: 'Not authenticated.',
  4004: 'Authentication failed.',
  4005: 'Already authenticated.',
  4007: 'Invalid seq.',
  4008: 'Rate limited.',
  4009: 'Session timed out.',
  4010: 'Invalid shard.',
  4011: 'Sharding required.',
  4012: 'Invalid API version.',
  4013: 'Invalid intent(s).',
  4014: 'Disallowed intent(s).',
};

export function closeReason(code: number): string {
  return REASONS[code] ?? '';
}

/** Server closes after which the session may still be resumed (Discord's "reconnect" column, minus new-session codes). */
export function keepsSessionResumable(code: number): boolean {
  return code === 4000 || code === 4001 || code === 4002 || code === 4003 || code === 4005 || code === 4008;
}

/** A client close ends the session only with 1000 or 1001, as on Discord. */
export function clientCloseEndsSession(code: number): boolean {
  return code === 1000 || code === 1001;
}
