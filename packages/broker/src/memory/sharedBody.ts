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
 *
 * That copy is made by a function written for the body's shape (its keys, which of them hold text),
 * compiled once and kept: a loop copying computed keys and defining the lazy property cost about
 * 640 ns per gateway envelope, the shape's function about 280 ns (a micro-run on the bench's envelopes).
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

/**
 * The body as every group receives it: frozen, the publisher's own object when it is plain JSON, a
 * frozen copy reading its `JsonText` properties lazily when it holds any.
 */
export function shareBody<T>(body: T): T {
  const lazy = lazyCopy(body);
  if (lazy !== undefined) return lazy as T;
  if (isPlainJson(body)) {
    deepFreeze(body);
    return body;
  }
  const copy = JSON.parse(encodeBody(body)) as T;
  deepFreeze(copy);
  return copy;
}

/**
 * A frozen copy of `body` whose `JsonText` properties are read as the text's value, parsed on first
 * read (once per message, shared by every group and delivery, deep-frozen); undefined unless `body`
 * is a plain object holding at least one `JsonText`, every other property plain JSON. Reading a
 * text that is not JSON (a poison message) throws a PoisonMessageError, which dead-letters the
 * message when its handler lets it out.
 */
function lazyCopy(body: unknown): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype)
    return undefined;
  const record = body as Record<string, unknown>;
  const keys = Object.keys(record);
  const known = knownShape(keys);
  const copy = known?.copy(record);
  if (copy) return copy;
  const texts = keys.filter((key) => record[key] instanceof JsonText);
  if (texts.length === 0 || keys.includes('__proto__')) return undefined;
  // Texts held by other keys this time make a new shape; the same texts with a value that is not
  // plain JSON do not (the JSON copy takes the body).
  if (known && sameKeys(known.texts, texts)) return undefined;
  const shape = { keys, texts, copy: compileLazyCopier(keys, new Set(texts)) };
  if (known) lazyShapes.splice(lazyShapes.indexOf(known), 1);
  lazyShapes.unshift(shape);
  if (lazyShapes.length > MAX_LAZY_SHAPES) lazyShapes.pop();
  return shape.copy(record) ?? undefined;
}

/** A shape's copier: the copy, or null when a property does not fit the shape. */
type LazyCopier = (body: Record<string, unknown>) => Record<string, unknown> | null;

interface LazyShape {
  keys: readonly string[];
  /** The keys holding text, in key order. */
  texts: readonly string[];
  copy: LazyCopier;
}

/** The shapes seen lately, the newest first (a publisher has a few: an envelope with or without a guild). */
const lazyShapes: LazyShape[] = [];
const MAX_LAZY_SHAPES = 32;

function knownShape(keys: readonly string[]): LazyShape | undefined {
  for (const shape of lazyShapes) if (sameKeys(shape.keys, keys)) return shape;
  return undefined;
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Writes the copier of one shape: every property read by its name and checked (plain JSON, or a
 * `JsonText` for the keys in `texts`) before any is frozen; the copy built in the same key order by
 * an object literal and stores with constant names, each text in its key's hidden slot behind the
 * key's shared getter.
 */
function compileLazyCopier(keys: readonly string[], texts: ReadonlySet<string>): LazyCopier {
  const name = (i: number) => JSON.stringify(keys[i]);
  const isText = (i: number) => texts.has(keys[i]!);
  const lines = keys.map((_, i) =>
    isText(i)
      ? `const v${i} = body[${name(i)}]; if (!(v${i} instanceof JsonText)) return null;`
      : `const v${i} = body[${name(i)}]; if (!isPlainJson(v${i}, 1)) return null;`,
  );
  keys.forEach((_, i) => {
    if (!isText(i)) lines.push(`deepFreeze(v${i});`);
  });
  const firstText = keys.findIndex((_, i) => isText(i));
  const literal = keys.slice(0, firstText).map((_, i) => `${name(i)}: v${i}`);
  lines.push(`const copy = { ${literal.join(', ')} };`);
  for (let i = firstText; i < keys.length; i++) {
    lines.push(
      isText(i)
        ? `new lazy[${i}].Slot(copy, v${i}); defineProperty(copy, ${name(i)}, lazy[${i}].descriptor);`
        : `copy[${name(i)}] = v${i};`,
    );
  }
  lines.push('return Object.freeze(copy);');
  const lazy = keys.map((key) => (texts.has(key) ? lazyProperty(key) : undefined));
  const source = `return (body) => {\n${lines.join('\n')}\n};`;
  return new Function('isPlainJson', 'deepFreeze', 'JsonText', 'defineProperty', 'lazy', source)(
    isPlainJson,
    deepFreeze,
    JsonText,
    Object.defineProperty,
    lazy,
  ) as LazyCopier;
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
function lazyTextOf(body: object, key: string): JsonText | undefined {
  return lazyProperties.get(key)?.textOf(body);
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
 * For a property name: the hidden slot a `lazyCopy` keeps its `JsonText` in, and the getter that
 * reads it. One getter per name, shared by every copy, so the copies share one shape instead of each
 * holding a closure of its own. The slot is a private field of a class made for the name, added to
 * the copy by constructing that class over it (`Stamp`): unlike a symbol-keyed property it is seen by
 * no reflection (`toEqual`, `Object.assign`, `getOwnPropertySymbols`), and unlike a non-enumerable
 * `defineProperty` it costs a plain store.
 */
interface LazyProperty {
  Slot: new (copy: object, text: JsonText) => object;
  textOf(body: object): JsonText | undefined;
  descriptor: PropertyDescriptor;
}

/** A base class whose constructor returns the object it is given, so a subclass's fields go on it. */
class Stamp {
  constructor(target: object) {
    // biome-ignore lint/correctness/noConstructorReturn: the point of the class (see LazyProperty)
    return target as Stamp;
  }
}

const lazyProperties = new Map<string, LazyProperty>();

function lazyProperty(key: string): LazyProperty {
  let property = lazyProperties.get(key);
  if (!property) {
    class Slot extends Stamp {
      readonly #text: JsonText;
      constructor(copy: object, text: JsonText) {
        super(copy);
        this.#text = text;
      }
      static textOf(body: object): JsonText | undefined {
        return #text in body ? (body as Slot).#text : undefined;
      }
    }
    function read(this: object): unknown {
      // `this` is the copy, or an object inheriting from it (`Object.create(body)`).
      let text = Slot.textOf(this);
      for (let holder = Object.getPrototypeOf(this); text === undefined && holder !== null; ) {
        text = Slot.textOf(holder);
        holder = Object.getPrototypeOf(holder);
      }
      if (text === undefined) throw new TypeError(`"${key}" read from an object that is not a shared body`);
      try {
        return parsedValue(text);
      } catch (error) {
        throw new PoisonMessageError(`body is not JSON: ${reasonOf(error)}`, { cause: error });
      }
    }
    property = { Slot, textOf: Slot.textOf, descriptor: { get: read, enumerable: true } };
    lazyProperties.set(key, property);
  }
  return property;
}
