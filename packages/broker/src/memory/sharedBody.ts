/**
 * Bodies the memory broker hands to every group without copying: plain JSON data (plain objects,
 * arrays, strings, finite numbers, booleans, null) is frozen in place and shared, so no consumer can
 * change what another group (or the publisher) sees, and no JSON text is built per message. Anything
 * else (a Date, a class instance, `undefined`, `NaN`, a `toJSON`, a cycle) is copied through JSON,
 * as the other backends would deliver it, and the copy is frozen.
 *
 * A `JsonText` held by a top-level property of such a body is kept as text until delivery: each
 * delivery gets a frozen copy of the body with the text parsed (once per message, then shared and
 * deep-frozen), so consumers see what a JSON copy would give and the parse is paid on their side.
 */
import { encodeBody } from '../rpc.js';
import { JsonText } from './JsonText.js';

const MAX_DEPTH = 256;

/** True when `value` is plain JSON data, so that sharing it delivers what a JSON copy would. */
export function isPlainJson(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (depth >= MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return false;
    for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) return false;
    const property = (value as Record<string, unknown>)[key];
    if (depth === 0 && property instanceof JsonText) continue;
    if (!isPlainJson(property, depth + 1)) return false;
  }
  return true;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  Object.freeze(value);
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) deepFreeze(value[i]);
  else for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
}

/** The body as every group receives it: frozen, the publisher's own object when it is plain JSON. */
export function shareBody<T>(body: T): T {
  if (isPlainJson(body)) {
    deepFreeze(body);
    return body;
  }
  const copy = JSON.parse(encodeBody(body)) as T;
  deepFreeze(copy);
  return copy;
}

/**
 * The body a consumer is handed: the stored body, or, where a top-level property holds a `JsonText`,
 * a frozen copy with its value. Throws a SyntaxError when that text is not JSON (a poison message),
 * unless `keepBadText` (listing dead letters), which leaves such text as the string it is.
 */
export function deliveredBody(body: unknown, keepBadText = false): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  let copy: Record<string, unknown> | undefined;
  for (const key in body) {
    const property = (body as Record<string, unknown>)[key];
    if (!(property instanceof JsonText)) continue;
    copy ??= { ...body };
    let value: unknown;
    try {
      value = property.value();
    } catch (error) {
      if (!keepBadText) throw error;
      value = property.text;
    }
    if (!Object.isFrozen(value)) deepFreeze(value);
    copy[key] = value;
  }
  return copy ? Object.freeze(copy) : body;
}
