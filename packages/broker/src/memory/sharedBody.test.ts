import { describe, expect, it } from 'vitest';
import { isPlainJson, shareBody } from './sharedBody.js';

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
