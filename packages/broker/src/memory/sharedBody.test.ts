import { describe, expect, it, vi } from 'vitest';
import { PoisonMessageError } from '../Broker.js';
import { JsonText } from './JsonText.js';
import { isPlainJson, listedBody, shareBody } from './sharedBody.js';

class Thing {
  a = 1;
}

describe('isPlainJson', () => {
  it.each([
    [null, true],
    ['é ✓', true],
    [0, true],
    [false, true],
    [{ a: [1, { b: null }], c: 'x' }, true],
    [Object.create(null), true],
    [Number.NaN, false],
    [Number.POSITIVE_INFINITY, false],
    [undefined, false],
    [{ a: undefined }, false],
    [new Array(3), false],
    [new Date(0), false],
    [new Thing(), false],
    [{ toJSON: () => 1 }, false],
    [10n, false],
    [() => 1, false],
  ])('%o → %s', (value, plain) => {
    expect(isPlainJson(value)).toBe(plain);
  });

  it('treats a cycle as not plain (the JSON copy then refuses it)', () => {
    const a: Record<string, unknown> = {};
    a.self = a;
    expect(isPlainJson(a)).toBe(false);
    expect(() => shareBody(a)).toThrow(/circular/);
  });
});

describe('shareBody', () => {
  it('shares plain JSON frozen all the way down', () => {
    const body = { d: { list: [{ x: 1 }] } };
    const shared = shareBody(body);
    expect(shared).toBe(body);
    expect(Object.isFrozen(shared.d.list[0])).toBe(true);
    expect(() => {
      (shared.d.list[0] as { x: number }).x = 2;
    }).toThrow(TypeError);
  });

  it('copies anything else through JSON, as the other backends deliver it, frozen', () => {
    const body = { at: new Date(0), gone: undefined, n: Number.NaN };
    const shared = shareBody(body);
    expect(shared).toEqual({ at: '1970-01-01T00:00:00.000Z', n: null });
    expect(Object.isFrozen(shared)).toBe(true);
    expect(Object.isFrozen(body)).toBe(false);
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => shareBody(undefined)).toThrow(/JSON/);
  });
});

describe('a JsonText property', () => {
  it('is kept as text on publish and parsed when a consumer reads it, in a frozen copy as a JSON copy would read', () => {
    const text = new JsonText('{"list":[{"x":1}],"s":"é"}');
    const parse = vi.spyOn(text, 'value');
    const body = { id: 'a', meta: { n: 1 }, d: text };
    const shared = shareBody(body) as unknown as {
      id: string;
      meta: { n: number };
      d: { list: { x: number }[]; s: string };
    };
    expect(shared === (body as unknown)).toBe(false);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(Object.isFrozen(shared.meta)).toBe(true);
    expect(Object.keys(shared)).toEqual(['id', 'meta', 'd']);
    expect(parse).not.toHaveBeenCalled();
    expect(shared).toEqual({ id: 'a', meta: { n: 1 }, d: { list: [{ x: 1 }], s: 'é' } });
    expect(shared).toEqual(JSON.parse(JSON.stringify(body)));
    expect(() => {
      shared.d.list[0]!.x = 2;
    }).toThrow(TypeError);
    // every reader (another group, a redelivery) shares the one parsed value
    expect(shared.d).toBe(shared.d);
    expect(text.value()).toBe(shared.d);
    expect({ ...shared }).toEqual({ id: 'a', meta: { n: 1 }, d: shared.d });
    expect(JSON.parse(JSON.stringify(shared))).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it('is listed parsed by the dead-letter listing, other bodies as they are', () => {
    const shared = shareBody({ id: 'a', d: new JsonText('[1]') });
    expect(Object.getOwnPropertyDescriptor(listedBody(shared), 'd')?.value).toEqual([1]);
    const plain = shareBody({ a: 1, d: [2] });
    expect(listedBody(plain)).toBe(plain);
    expect(listedBody('x')).toBe('x');
  });

  it('is read lazily only as a top-level property of a plain object, copied through JSON elsewhere', () => {
    expect(isPlainJson({ d: new JsonText('1') })).toBe(false);
    expect(shareBody(new JsonText('[1,2]'))).toEqual([1, 2]);
    expect(shareBody({ list: [new JsonText('{"a":1}')] })).toEqual({ list: [{ a: 1 }] });
    const nullProto = Object.assign(Object.create(null), { d: new JsonText('[3]') });
    expect(shareBody(nullProto)).toEqual({ d: [3] });
    // the key that would set a literal's prototype is copied through JSON, as an own property
    const proto = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
    proto.d = new JsonText('[4]');
    const shared = shareBody(proto);
    expect(Object.keys(shared)).toEqual(['__proto__', 'd']);
    expect(Object.getPrototypeOf(shared)).toBe(Object.prototype);
  });

  it('keeps its text where no reflection sees it', () => {
    const shared = shareBody({ id: 'a', d: new JsonText('{"x":1}') });
    expect(Object.getOwnPropertySymbols(shared)).toEqual([]);
    expect(Reflect.ownKeys(shared)).toEqual(['id', 'd']);
    expect(Object.getPrototypeOf(shared)).toBe(Object.prototype);
    expect(Object.assign({}, shared)).toStrictEqual({ id: 'a', d: { x: 1 } });
    expect((Object.create(shared) as { d: unknown }).d).toBe(shared.d);
    const read = Object.getOwnPropertyDescriptor(shared, 'd')!.get!;
    expect(() => read.call({})).toThrow(/"d" read from an object that is not a shared body/);
  });

  it('copies bodies of one key list whichever keys hold text, and any other value as JSON would', () => {
    for (const body of [
      { a: new JsonText('1'), b: 2 },
      { a: 1, b: new JsonText('[2]') },
      { a: new JsonText('"x"'), b: new JsonText('{"y":null}') },
      { a: { n: 1 }, b: new JsonText('2') },
    ]) {
      const shared = shareBody(body);
      expect(Object.isFrozen(shared)).toBe(true);
      expect(shared).toStrictEqual(JSON.parse(JSON.stringify(body)));
    }
    // one value JSON copies differently: the whole body is copied, nothing of the publisher's frozen
    const meta = { n: 1 };
    const body = { meta, at: new Date(0), d: new JsonText('[5]') };
    expect(shareBody(body)).toStrictEqual({ meta: { n: 1 }, at: '1970-01-01T00:00:00.000Z', d: [5] });
    expect(Object.isFrozen(meta)).toBe(false);
    // the shape still copies lazily when its values are plain again
    const text = new JsonText('[6]');
    const parse = vi.spyOn(text, 'value');
    const lazy = shareBody({ meta: { n: 2 }, at: 'then', d: text });
    expect(parse).not.toHaveBeenCalled();
    expect(lazy.d).toEqual([6]);
  });

  it('that is not JSON throws a PoisonMessageError where it is read, and is listed as text', () => {
    const shared = shareBody({ d: new JsonText('{"a":') }) as { d: unknown };
    expect(() => shared.d).toThrow(PoisonMessageError);
    expect(() => shared.d).toThrow(/^body is not JSON: /);
    expect(listedBody(shared)).toEqual({ d: '{"a":' });
  });
});

describe('JsonText', () => {
  it('is the text between its bounds, parsed once', () => {
    const payload = '{"op":0,"d":{"a":[1]}}';
    const text = new JsonText(payload, 12, payload.length - 1);
    expect(text.text).toBe('{"a":[1]}');
    expect(text.value()).toEqual({ a: [1] });
    expect(text.value()).toBe(text.value());
    expect(new JsonText('[2]').text).toBe('[2]');
    expect(() => new JsonText(payload, 0, 5).value()).toThrow(SyntaxError);
  });
});
