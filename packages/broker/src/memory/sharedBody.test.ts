import { describe, expect, it, vi } from 'vitest';
import { PoisonMessageError } from '../Broker.js';
import { JsonText } from './JsonText.js';
import { deliveredBody, isPlainJson, shareBody } from './sharedBody.js';

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
    const body = { id: 'a', d: text };
    const shared = shareBody(body);
    expect(shared).toBe(body);
    expect(Object.isFrozen(shared)).toBe(true);
    expect(parse).not.toHaveBeenCalled();
    const delivered = deliveredBody(shared) as { id: string; d: { list: { x: number }[]; s: string } };
    expect(parse).not.toHaveBeenCalled();
    expect(Object.keys(delivered)).toEqual(['id', 'd']);
    expect(delivered).toEqual({ id: 'a', d: { list: [{ x: 1 }], s: 'é' } });
    expect(delivered).toEqual(JSON.parse(JSON.stringify(body)));
    expect(Object.isFrozen(delivered)).toBe(true);
    expect(() => {
      delivered.d.list[0]!.x = 2;
    }).toThrow(TypeError);
    // a second delivery (another group, a redelivery) shares the parsed value
    expect((deliveredBody(shared) as typeof delivered).d).toBe(delivered.d);
    expect(JSON.parse(JSON.stringify(text))).toEqual(delivered.d);
    expect({ ...delivered }).toEqual({ id: 'a', d: delivered.d });
  });

  it('hands other bodies on as they are', () => {
    const body = shareBody({ a: 1 });
    expect(deliveredBody(body)).toBe(body);
    expect(deliveredBody('x')).toBe('x');
  });

  it('is plain JSON only as a top-level property, copied through JSON elsewhere', () => {
    expect(isPlainJson({ d: new JsonText('1') })).toBe(true);
    expect(isPlainJson({ a: { d: new JsonText('1') } })).toBe(false);
    expect(isPlainJson([new JsonText('1')])).toBe(false);
    expect(shareBody(new JsonText('[1,2]'))).toEqual([1, 2]);
    expect(shareBody({ list: [new JsonText('{"a":1}')] })).toEqual({ list: [{ a: 1 }] });
  });

  it('that is not JSON throws a PoisonMessageError where it is read, or stays text when asked', () => {
    const shared = shareBody({ d: new JsonText('{"a":') });
    const delivered = deliveredBody(shared) as { d: unknown };
    expect(() => delivered.d).toThrow(PoisonMessageError);
    expect(() => delivered.d).toThrow(/^body is not JSON: /);
    expect(deliveredBody(shared, true)).toEqual({ d: '{"a":' });
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
