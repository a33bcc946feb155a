/**
 * Bodies the memory broker hands to every group without copying: plain JSON data (plain objects,
 * arrays, strings, finite numbers, booleans, null) is frozen in place and shared, so no consumer can
 * change what another group (or the publisher) sees, and no JSON text is built per message. Anything
 * else (a Date, a class instance, `undefined`, `NaN`, a `toJSON`, a cycle) is copied through JSON,
 * as the other backends would deliver it, and the copy is frozen.
 */
import { encodeBody } from '../rpc.js';

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
    if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
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
