/**
 * Bodies the memory broker hands to every group without copying: plain JSON data (plain objects,
 * arrays, strings, finite numbers, booleans, null) is frozen in place and shared, so no consumer can
 * change what another group (or the publisher) sees, and no JSON text is built per message. Anything
 * else (a Date, a class instance, `undefined`, `NaN`, a `toJSON`, a cycle) is copied through JSON,
 * as the other backends would deliver it, and the copy is frozen.
 *
 * A `JsonText` held by a top-level property of such a body is kept as text until a consumer reads
 * it: the body is shared as a frozen copy (made once, at publish) whose property parses the text
 * when first read (once per message, then shared and deep-frozen), so consumers see what a JSON copy
 * would give, the parse is paid on their side, and a consumer that never reads the property (one
 * routing on the envelope's type and guild, or forwarding it) never pays it.
 */
import { PoisonMessageError } from '../Broker.js';
import { reasonOf } from '../errors.js';
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

/**
 * The body as every group receives it: frozen, the publisher's own object when it is plain JSON, a
 * frozen copy reading its `JsonText` properties lazily when it holds any.
 */
export function shareBody<T>(body: T): T {
  if (isPlainJson(body)) {
    if (hasTopLevelText(body)) return lazyCopy(body as Record<string, unknown>) as T;
    deepFreeze(body);
    return body;
  }
  const copy = JSON.parse(encodeBody(body)) as T;
  deepFreeze(copy);
  return copy;
}

function hasTopLevelText(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  for (const key in body) if ((body as Record<string, unknown>)[key] instanceof JsonText) return true;
  return false;
}

/**
 * A frozen copy of `body` whose `JsonText` properties are read as the text's value, parsed on first
 * read (once per message, shared by every group and delivery, deep-frozen). Reading a text that is
 * not JSON (a poison message) throws a PoisonMessageError, which dead-letters the message when its
 * handler lets it out.
 */
function lazyCopy(body: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string | symbol, unknown> = {};
  for (const key in body) {
    const property = body[key];
    if (property instanceof JsonText) {
      const { text, getter } = lazyProperty(key);
      Object.defineProperty(copy, text, { value: property });
      Object.defineProperty(copy, key, { get: getter, enumerable: true });
    } else {
      deepFreeze(property);
      copy[key] = property;
    }
  }
  return Object.freeze(copy);
}

/**
 * A stored body as a dead-letter listing shows it: each lazily read text parsed at once, and one
 * that is not JSON left as the string it is.
 */
export function listedBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (!Object.keys(record).some((key) => lazyTextOf(record, key))) return body;
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    const text = lazyTextOf(record, key);
    copy[key] = text ? parsedOrText(text) : record[key];
  }
  return Object.freeze(copy);
}

/** The text a `lazyCopy` keeps for its property `key`, read without parsing it. */
function lazyTextOf(body: Record<string | symbol, unknown>, key: string): JsonText | undefined {
  const slot = lazyProperties.get(key)?.text;
  return slot !== undefined && Object.hasOwn(body, slot) ? (body[slot] as JsonText) : undefined;
}

function parsedOrText(text: JsonText): unknown {
  try {
    return parsedValue(text);
  } catch {
    return text.text;
  }
}

function parsedValue(text: JsonText): unknown {
  const value = text.value();
  if (!Object.isFrozen(value)) deepFreeze(value);
  return value;
}

/**
 * For a property name: the hidden (symbol-keyed, not enumerable) slot a `lazyCopy` keeps its
 * `JsonText` in, and the getter that reads it. One getter per name, shared by every copy, so the
 * copies share one shape instead of each holding a closure of its own.
 */
const lazyProperties = new Map<string, { text: symbol; getter: () => unknown }>();

function lazyProperty(key: string): { text: symbol; getter: () => unknown } {
  let property = lazyProperties.get(key);
  if (!property) {
    const text = Symbol(`${key} text`);
    property = {
      text,
      getter(this: Record<symbol, JsonText>) {
        try {
          return parsedValue(this[text]!);
        } catch (error) {
          throw new PoisonMessageError(`body is not JSON: ${reasonOf(error)}`, { cause: error });
        }
      },
    };
    lazyProperties.set(key, property);
  }
  return property;
}
