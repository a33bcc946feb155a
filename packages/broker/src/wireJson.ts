/**
 * A message body as JSON text for the networked brokers (AMQP, NATS). A `JsonText` that is the body,
 * or a top-level property of a plain-object body (an envelope's `d`), is written as its own text,
 * not parsed and written again as `JSON.stringify` would (its `toJSON`). Deeper ones go through
 * `toJSON`. The text is not checked: text that is not JSON makes the whole body undecodable, and
 * the consumer dead-letters it as poison (`poison: undecodable body: …`).
 */
import { randomBytes } from 'node:crypto';
import { JsonText } from './memory/JsonText.js';
import { encodeBody } from './rpc.js';

/**
 * What stands in for a `JsonText` while the rest is stringified, then is replaced by its text: a
 * string no one can predict, and an encoding that finds it anywhere else falls back to `toJSON`.
 * Exported for the tests only.
 */
export const PLACEHOLDER = `\u0001sw-json-text-${randomBytes(12).toString('hex')}`;
const QUOTED_PLACEHOLDER = JSON.stringify(PLACEHOLDER);

/** The body's JSON; refuses what JSON cannot carry (as `encodeBody`). */
export function wireJson(body: unknown): string {
  if (body instanceof JsonText) return body.text;
  if (!isPlainObject(body)) return encodeBody(body);
  let copy: Record<string, unknown> | undefined;
  const texts: string[] = [];
  for (const key in body) {
    const property = body[key];
    if (!(property instanceof JsonText) || !Object.hasOwn(body, key)) continue;
    copy ??= { ...body };
    copy[key] = PLACEHOLDER;
    texts.push(property.text);
  }
  if (copy === undefined) return encodeBody(body);
  // The copy keeps the body's property order (that of `for…in` and of `JSON.stringify`), so each
  // text's placeholder is the next one written.
  const json = JSON.stringify(copy);
  let out = '';
  let from = 0;
  for (const text of texts) {
    const at = json.indexOf(QUOTED_PLACEHOLDER, from);
    out += json.slice(from, at) + text;
    from = at + QUOTED_PLACEHOLDER.length;
  }
  // The placeholder also written by the body itself (a string or key equal to it): splicing could
  // have picked the wrong one, so encode the plain way.
  if (json.indexOf(QUOTED_PLACEHOLDER, from) !== -1) return encodeBody(body);
  return out + json.slice(from);
}

/** An object `JSON.stringify` writes member by member, with no `toJSON` of its own to honour. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return (
    (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== 'function'
  );
}
