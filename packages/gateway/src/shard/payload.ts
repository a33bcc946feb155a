/**
 * Reading a gateway payload. A dispatch whose `d` nothing on the gateway's path reads (a message,
 * a reaction, a typing event: the cache keeps none of them) is not parsed: its `op`, `s` and `t` are
 * read from the text's head, its guild id found by a scan, and its `d` handed on as a `JsonText`,
 * which the consumer that reads it parses (twilight's gateway reads op/s/t the same way).
 */
import { JsonText } from '@shardwire/broker';
import { perType } from '../memo.js';

/**
 * One string per dispatch type: a type read from a payload's head is a slice of its text, which the
 * envelope would keep (a retained object per envelope) and every type-keyed lookup would hash anew.
 */
const internType = perType((t) => t);

export interface Payload {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

/**
 * Parses `text`, except the `d` of a dispatch whose type `keepAsText` accepts. Discord sends compact
 * JSON with `d` last (`{"t":…,"s":…,"op":0,"d":{…}}`); a payload that is not so is parsed in full.
 * The JSON of a `d` kept as text is checked by whoever parses it.
 */
export function decodePayload(text: string, keepAsText?: (t: string) => boolean): Payload {
  if (keepAsText) {
    const head = readHead(text);
    if (head !== undefined && head.op === 0 && head.t !== null && keepAsText(head.t)) {
      return { op: 0, s: head.s, t: head.t, d: new JsonText(text, head.dStart, text.length - 1) };
    }
  }
  return JSON.parse(text) as Payload;
}

export interface PayloadHead {
  op: number;
  s: number | null;
  t: string | null;
  /** Where the text of `d` starts; it runs to the payload's closing brace. */
  dStart: number;
}

/**
 * `op`, `s` and `t` of a compact payload whose other keys all come before `d`, and where `d` starts;
 * undefined for anything else (whitespace, escapes, other keys, `d` not last), which is then parsed.
 */
export function readHead(text: string): PayloadHead | undefined {
  if (text.charCodeAt(0) !== 123 || text.charCodeAt(text.length - 1) !== 125) return undefined;
  let op: number | undefined;
  let s: number | null | undefined;
  let t: string | null | undefined;
  let at = 1;
  for (;;) {
    if (text.charCodeAt(at) !== 34) return undefined;
    const keyEnd = text.indexOf('"', at + 1);
    if (keyEnd === -1 || text.charCodeAt(keyEnd + 1) !== 58) return undefined;
    const key = text.slice(at + 1, keyEnd);
    at = keyEnd + 2;
    if (key === 'd') {
      if (op === undefined || s === undefined || t === undefined) return undefined;
      return { op, s, t, dStart: at };
    }
    let end: number;
    if (key === 't' && text.charCodeAt(at) === 34) {
      end = text.indexOf('"', at + 1);
      if (end === -1) return undefined;
      const type = text.slice(at + 1, end);
      if (type.includes('\\')) return undefined;
      t = internType(type);
      end++;
    } else if (text.startsWith('null', at)) {
      if (key === 's') s = null;
      else if (key === 't') t = null;
      else return undefined;
      end = at + 4;
    } else {
      end = at;
      let value = 0;
      for (let c = text.charCodeAt(end); c >= 48 && c <= 57; c = text.charCodeAt(++end))
        value = value * 10 + c - 48;
      if (end === at) return undefined;
      if (key === 'op') op = value;
      else if (key === 's') s = value;
      else return undefined;
    }
    if (text.charCodeAt(end) !== 44) return undefined;
    at = end + 1;
  }
}

/** The guild a dispatch's `d` text belongs to, read as `guildIdOf` reads a parsed `d`. */
export function guildIdOfText(t: string, json: string): string | undefined {
  const own = t === 'GUILD_CREATE' || t === 'GUILD_UPDATE' || t === 'GUILD_DELETE';
  return findTopLevelString(json, own ? '"id":' : '"guild_id":');
}

/**
 * The string value of `key` among the top-level members of the JSON object `json`, or undefined
 * (absent, not a string, or written with escapes). Nested objects holding the same key (a message's
 * `message_reference.guild_id`) do not count.
 */
export function topLevelString(json: string, key: string): string | undefined {
  return findTopLevelString(json, `${JSON.stringify(key)}:`);
}

/**
 * Finds `"key":` with `indexOf`. An unescaped quote followed by `key":` can only open a key (in
 * valid JSON a string cannot end there), so what is left is its depth: counted over the text before
 * it or, when shorter, the closing brackets after it (Discord tends to put `guild_id` near the end).
 */
function findTopLevelString(json: string, pattern: string): string | undefined {
  if (json.charCodeAt(0) !== 123) return undefined;
  for (let at = json.indexOf(pattern); at !== -1; at = json.indexOf(pattern, at + 1)) {
    if (json.charCodeAt(at - 1) === 92 && escaped(json, at)) continue;
    const depth =
      at <= json.length - at ? bracketBalance(json, 0, at) : -bracketBalance(json, at, json.length);
    if (depth !== 1) continue;
    const valueStart = at + pattern.length;
    if (json.charCodeAt(valueStart) !== 34) return undefined;
    const valueEnd = stringEnd(json, valueStart);
    if (valueEnd === -1) return undefined;
    const value = json.slice(valueStart + 1, valueEnd);
    return value.includes('\\') ? undefined : value;
  }
  return undefined;
}

/**
 * Brackets opened minus brackets closed in `json[from, to)`, both ends outside any string; NaN when
 * a string there does not end.
 */
function bracketBalance(json: string, from: number, to: number): number {
  let balance = 0;
  for (let i = from; i < to; i++) {
    const c = json.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(json, i);
      if (i === -1) return Number.NaN;
    } else if (c === 123 || c === 91) balance++;
    else if (c === 125 || c === 93) balance--;
  }
  return balance;
}

/** Whether the character at `at` is escaped (an odd run of backslashes before it). */
function escaped(json: string, at: number): boolean {
  let backslashes = 0;
  while (json.charCodeAt(at - 1 - backslashes) === 92) backslashes++;
  return backslashes % 2 === 1;
}

/** The index of the quote that closes the string opening at `start`, or -1. */
function stringEnd(json: string, start: number): number {
  let end = json.indexOf('"', start + 1);
  while (end !== -1 && json.charCodeAt(end - 1) === 92 && escaped(json, end))
    end = json.indexOf('"', end + 1);
  return end;
}
