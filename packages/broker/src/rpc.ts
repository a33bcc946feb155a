/** What every backend's request/reply shares: defaults, subject rules, the reply wire format. */
import { validateName } from './names.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export function validateSubject(subject: string): void {
  validateName('subject', subject);
}

/** A value as it would arrive over the wire (JSON), so the memory backend behaves like the others. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/** The body of a reply: the responder's value, or the message of what it threw. */
export type ReplyBody = { ok: true; value: unknown } | { ok: false; error: string };

export function encodeReply(reply: ReplyBody): Buffer {
  return Buffer.from(JSON.stringify(reply));
}

export function decodeReply(data: Uint8Array): ReplyBody {
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as ReplyBody;
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.ok !== 'boolean')
    throw new TypeError('malformed reply');
  return parsed;
}

/** Serialises a message body; refuses what JSON cannot carry. */
export function encodeBody(body: unknown): string {
  const json = JSON.stringify(body);
  if (json === undefined) throw new TypeError('message body must be JSON-serialisable (got undefined)');
  return json;
}
