/**
 * IDENTIFY and RESUME validation as pure functions: the data, or the close code Discord would send.
 * A payload of the wrong shape for its opcode is 4001 ("an invalid payload for an opcode"); 4002 is
 * kept for frames that do not decode at all.
 */

import { CloseCode } from './closeCodes.js';
import { ALL_INTENTS, PRIVILEGED_INTENTS } from './intents.js';

export interface IdentifyData {
  token: string;
  intents: number;
  shard: [id: number, count: number];
  largeThreshold: number;
  compress: boolean;
}

export interface ResumeData {
  token: string;
  sessionId: string;
  seq: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; code: CloseCode; reason: string };

const fail = (code: CloseCode, reason: string) => ({ ok: false, code, reason }) as const;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
/** Discord accepts the token with or without the `Bot ` prefix (oceanic.js sends it with). */
const bare = (token: string) => (token.startsWith('Bot ') ? token.slice(4) : token);

/** Shape checks only; the token, intents against the bot and the shard's guild count are checked by the caller. */
export function parseIdentify(d: unknown): Checked<IdentifyData> {
  if (!isObject(d)) return fail(CloseCode.UnknownOpcode, 'IDENTIFY needs an object');
  if (typeof d.token !== 'string' || d.token.length === 0)
    return fail(CloseCode.AuthenticationFailed, 'no token');
  const props = d.properties;
  if (!isObject(props) || !['os', 'browser', 'device'].every((k) => typeof props[k] === 'string'))
    return fail(CloseCode.UnknownOpcode, 'properties needs os, browser and device strings');
  if (!isInt(d.intents) || d.intents < 0 || (d.intents & ~ALL_INTENTS) !== 0)
    return fail(CloseCode.InvalidIntents, 'intents must be a valid intents bitfield');
  let shard: [number, number] = [0, 1];
  if (d.shard !== undefined) {
    const s = d.shard;
    if (
      !Array.isArray(s) ||
      s.length !== 2 ||
      !isInt(s[0]) ||
      !isInt(s[1]) ||
      s[1] < 1 ||
      s[0] < 0 ||
      s[0] >= s[1]
    )
      return fail(CloseCode.InvalidShard, 'shard must be [id, count] with 0 <= id < count');
    shard = [s[0], s[1]];
  }
  let largeThreshold = 50;
  if (d.large_threshold !== undefined) {
    if (!isInt(d.large_threshold) || d.large_threshold < 50 || d.large_threshold > 250)
      return fail(CloseCode.UnknownOpcode, 'large_threshold must be an integer between 50 and 250');
    largeThreshold = d.large_threshold;
  }
  if (d.compress !== undefined && typeof d.compress !== 'boolean')
    return fail(CloseCode.UnknownOpcode, 'compress must be a boolean');
  return {
    ok: true,
    value: { token: bare(d.token), intents: d.intents, shard, largeThreshold, compress: d.compress === true },
  };
}

export function parseResume(d: unknown): Checked<ResumeData> {
  if (!isObject(d)) return fail(CloseCode.UnknownOpcode, 'RESUME needs an object');
  if (typeof d.token !== 'string' || d.token.length === 0)
    return fail(CloseCode.AuthenticationFailed, 'no token');
  if (typeof d.session_id !== 'string') return fail(CloseCode.UnknownOpcode, 'session_id must be a string');
  // A client that saw no dispatch yet resumes with seq null.
  const seq = d.seq === null ? 0 : d.seq;
  if (!isInt(seq) || seq < 0) return fail(CloseCode.InvalidSeq, 'seq must be a non-negative integer');
  return { ok: true, value: { token: bare(d.token), sessionId: d.session_id, seq } };
}

/** Privileged intents requested but not enabled for the bot, or 0. */
export function disallowedIntents(requested: number, enabledPrivileged: number): number {
  return requested & PRIVILEGED_INTENTS & ~enabledPrivileged;
}
