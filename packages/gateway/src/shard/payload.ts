/**
 * Reading a gateway payload from its bytes. A dispatch whose `d` nothing on the gateway's path reads
 * (a message, a reaction, a typing event: the cache keeps none of them) is not parsed, nor even
 * decoded to a string: its `op`, `s` and `t` are read from the payload's head, its guild id found
 * by a scan, and its `d` handed on as a `JsonText` of the bytes, which the consumer that reads it
 * parses (twilight's gateway reads op/s/t the same way).
 */
import { decodeUtf8, JsonText } from '@shardwire/broker';
import { perType } from '../memo.js';

/**
 * One string per dispatch type: a type read from a payload's head is a new string each time, which
 * the envelope would keep (a retained object per envelope) and every type-keyed lookup would hash anew.
 */
const internType = perType((t) => t);

const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

export interface Payload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
  /** For a `d` kept as text: the guild it belongs to, read from the bytes as `guildIdOf` reads a parsed `d`. */
  guildId?: string;
}

/**
 * Reads `bytes` (one payload, UTF-8), keeping as text the `d` of a dispatch whose type `keepAsText`
 * accepts. Discord sends compact JSON with `d` last (`{"t":…,"s":…,"op":0,"d":{…}}`); a payload
 * that is not so is parsed in full. The JSON of a `d` kept as text is checked by whoever parses it.
 * A kept `d` refers to `bytes`, which must not be reused afterwards.
 */
export function decodePayload(bytes: Buffer, keepAsText?: (t: string) => boolean): Payload {
  if (keepAsText) {
    const head = readHead(bytes);
    if (head !== undefined && head.op === 0 && head.t !== null && keepAsText(head.t)) {
      const dEnd = bytes.length - 1;
      const guildId = guildIdOfText(head.t, bytes, head.dStart, dEnd);
      const d = new JsonText(bytes, head.dStart, dEnd);
      return guildId === undefined
        ? { op: 0, s: head.s, t: head.t, d }
        : { op: 0, s: head.s, t: head.t, d, guildId };
    }
  }
  return JSON.parse(decodeUtf8(bytes)) as Payload;
}

export interface PayloadHead {
  op: number;
  s: number | null;
  t: string | null;
  /** Where the bytes of `d` start; they run to the payload's closing brace. */
  dStart: number;
}

/**
 * `op`, `s` and `t` of a compact payload whose other keys all come before `d`, and where `d` starts;
 * undefined for anything else (whitespace, escapes, other keys, `d` not last), which is then parsed.
 */
export function readHead(bytes: Buffer): PayloadHead | undefined {
  if (bytes[0] !== OPEN_BRACE || bytes[bytes.length - 1] !== CLOSE_BRACE) return undefined;
  let op: number | undefined;
  let s: number | null | undefined;
  let t: string | null | undefined;
  let at = 1;
  for (;;) {
    if (bytes[at] !== QUOTE) return undefined;
    const keyEnd = stringEnd(bytes, at);
    if (keyEnd === -1 || bytes[keyEnd + 1] !== COLON) return undefined;
    const key = keyName(bytes, at + 1, keyEnd);
    at = keyEnd + 2;
    if (key === 'd') {
      if (op === undefined || s === undefined || t === undefined) return undefined;
      return { op, s, t, dStart: at };
    }
    let end: number;
    if (key === 't' && bytes[at] === QUOTE) {
      end = stringEnd(bytes, at);
      if (end === -1) return undefined;
      const type = typeAt(bytes, at + 1, end);
      if (type === undefined) return undefined;
      t = type;
      end++;
    } else if (isNull(bytes, at)) {
      if (key === 's') s = null;
      else if (key === 't') t = null;
      else return undefined;
      end = at + 4;
    } else {
      end = at;
      let value = 0;
      for (let c = bytes[end]!; c >= 48 && c <= 57; c = bytes[++end]!) value = value * 10 + c - 48;
      if (end === at) return undefined;
      if (key === 'op') op = value;
      else if (key === 's') s = value;
      else return undefined;
    }
    if (bytes[end] !== COMMA) return undefined;
    at = end + 1;
  }
}

function isNull(bytes: Buffer, at: number): boolean {
  return bytes[at] === 0x6e && bytes[at + 1] === 0x75 && bytes[at + 2] === 0x6c && bytes[at + 3] === 0x6c;
}

/**
 * The types read lately (ASCII, interned), a ring: a type read again is recognised by its bytes
 * instead of being decoded into a new string and looked up (a stream is mostly a few types).
 */
const recentTypes: string[] = [];
let recentNext = 0;
const RECENT_TYPES = 8;

/** The dispatch type `bytes[start, end)` (a JSON string's content); undefined when it holds an escape. */
function typeAt(bytes: Buffer, start: number, end: number): string | undefined {
  const length = end - start;
  for (const type of recentTypes) if (type.length === length && sameAscii(type, bytes, start)) return type;
  const text = unescapedString(bytes, start, end);
  if (text === undefined) return undefined;
  const type = internType(text);
  if (Buffer.byteLength(type) === type.length) {
    recentTypes[recentNext] = type;
    recentNext = (recentNext + 1) % RECENT_TYPES;
  }
  return type;
}

function sameAscii(text: string, bytes: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/** The head key at `bytes[start, end)`: one of the four a payload has, else undefined. */
function keyName(bytes: Buffer, start: number, end: number): 'op' | 's' | 't' | 'd' | undefined {
  if (end - start === 1) {
    const c = bytes[start];
    return c === 0x73 ? 's' : c === 0x74 ? 't' : c === 0x64 ? 'd' : undefined;
  }
  return end - start === 2 && bytes[start] === 0x6f && bytes[start + 1] === 0x70 ? 'op' : undefined;
}

/**
 * The guild of a dispatch whose `d` is the JSON object `bytes[start, end)`, read as `guildIdOf` reads
 * a parsed `d`: the string value of its top-level `id` or `guild_id`, or undefined (absent, not a
 * string, or written with escapes). Nested objects holding the same key (a message's
 * `message_reference.guild_id`) do not count.
 */
export function guildIdOfText(t: string, bytes: Buffer, start = 0, end = bytes.length): string | undefined {
  const own = t === 'GUILD_CREATE' || t === 'GUILD_UPDATE' || t === 'GUILD_DELETE';
  return topLevelString(bytes, start, end, own ? 'id' : 'guild_id');
}

/**
 * The string value of `key` in the object `bytes[start, end)`, found in one pass from its end:
 * Discord puts `guild_id` last or nearly so, where a search from the start (a native `indexOf`, then
 * the brackets around the match counted) read most of the payload twice. Going backwards from
 * outside any string, a quote always closes one, so each string is skipped whole and every bracket
 * met counts; a key at depth 1 is one of the object's own. The last of two equal keys wins, as in
 * `JSON.parse`.
 */
function topLevelString(bytes: Buffer, start: number, end: number, key: string): string | undefined {
  if (bytes[start] !== OPEN_BRACE) return undefined;
  let depth = 0;
  // The string met just before (the next one in document order): a key's value when it follows it.
  let nextStart = -1;
  let nextEnd = -1;
  for (let at = end - 1; at > start; at--) {
    const c = bytes[at];
    if (c === QUOTE) {
      const open = stringStart(bytes, start, at);
      if (open === -1) return undefined;
      const isKey = depth === 1 && bytes[at + 1] === COLON && at - open - 1 === key.length;
      if (isKey && sameAscii(key, bytes, open + 1)) {
        return nextStart === at + 2 ? unescapedString(bytes, nextStart + 1, nextEnd) : undefined;
      }
      nextStart = open;
      nextEnd = at;
      at = open;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth++;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth--;
  }
  return undefined;
}

/** The index of the quote opening the string that the quote at `end` closes, or -1 (none after `from`). */
function stringStart(bytes: Buffer, from: number, end: number): number {
  for (let at = end - 1; at > from; at--)
    if (bytes[at] === QUOTE && !(bytes[at - 1] === BACKSLASH && escaped(bytes, at))) return at;
  return -1;
}

/** The text of the JSON string content `bytes[start, end)`; undefined when it holds an escape. */
function unescapedString(bytes: Buffer, start: number, end: number): string | undefined {
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === BACKSLASH) return undefined;
    if (c >= 0x80) ascii = false;
  }
  return bytes.toString(ascii ? 'latin1' : 'utf8', start, end);
}

/** Whether the byte at `at` is escaped (an odd run of backslashes before it). */
function escaped(bytes: Buffer, at: number): boolean {
  let backslashes = 0;
  while (bytes[at - 1 - backslashes] === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The index of the quote that closes the string opening at `start`, or -1. A loop rather than
 * `indexOf`: a payload's strings are mostly short, shorter than a native call costs.
 */
function stringEnd(bytes: Buffer, start: number): number {
  for (let end = start + 1; end < bytes.length; end++)
    if (bytes[end] === QUOTE && !(bytes[end - 1] === BACKSLASH && escaped(bytes, end))) return end;
  return -1;
}
