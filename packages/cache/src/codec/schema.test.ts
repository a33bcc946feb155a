import { describe, expect, it } from 'vitest';
import { Codec, type FieldKind, type Schema } from './schema.js';

const schema = (kind: FieldKind): Schema => ({ entity: 'test', required: [], fields: [['v', kind]] });

describe('Codec', () => {
  it.each<[FieldKind, unknown]>([
    ['id', '1234567890123456789'],
    ['id', '18446744073709551615'],
    ['id', '0'],
    ['ids', ['1', '99999999999999999']],
    ['ids', []],
    ['str', ''],
    ['str', 'plain ascii'],
    ['str', 'ünïcødé 🎉 名前'],
    ['strs', ['A', 'ß', '']],
    ['hash', '8342729096ea3675442027381ff50dfe'],
    ['hash', 'a_8342729096ea3675442027381ff50dfe'],
    ['hash', 'not-a-hash'],
    ['int', 0],
    ['int', -1],
    ['int', 2 ** 53 - 1],
    ['int', -(2 ** 40)],
    ['big', '0'],
    ['big', '4503599627370495'],
    ['big', '18446744073709551615'],
    ['bool', true],
    ['bool', false],
    ['time', '2024-02-03T04:05:06.789Z'],
    ['json', { nested: [1, 'two', null] }],
    [
      'overwrites',
      [
        { id: '1', type: 0, allow: '1024', deny: '2048' },
        { id: '2', type: 1, allow: '0', deny: '0' },
      ],
    ],
    ['str', null],
  ])('round-trips %s %j', (kind, value) => {
    const codec = new Codec(schema(kind));
    expect(codec.decode(codec.encode({ v: value }))).toEqual({ v: value });
  });

  it('reads Discord timestamps back as the same instant', () => {
    const codec = new Codec(schema('time'));
    const out = codec.decode<{ v: string }>(codec.encode({ v: '2015-04-26T06:26:56.936000+00:00' }));
    expect(Date.parse(out.v)).toBe(Date.parse('2015-04-26T06:26:56.936000+00:00'));
  });

  it('keeps absent fields absent and drops unknown ones', () => {
    const codec = new Codec({
      entity: 't',
      required: [],
      fields: [
        ['a', 'int'],
        ['b', 'str'],
      ],
    });
    expect(codec.decode(codec.encode({ b: 'x', extra: 1 }))).toEqual({ b: 'x' });
  });

  it('keeps only selected and required fields, and decodes data written with more fields', () => {
    const fields: Schema['fields'] = Array.from({ length: 10 }, (_, i) => [`f${i}`, 'int'] as const);
    const full = new Codec({ entity: 't', required: ['f9'], fields });
    const narrow = new Codec({ entity: 't', required: ['f9'], fields }, ['f1']);
    const value = Object.fromEntries(fields.map(([n], i) => [n, i]));
    expect(narrow.decode(narrow.encode(value))).toEqual({ f1: 1, f9: 9 });
    expect(narrow.decode(full.encode(value))).toEqual({ f1: 1, f9: 9 });
    expect(narrow.keeps('f1')).toBe(true);
    expect(narrow.keeps('f2')).toBe(false);
  });

  it('rejects an unknown field name in the selection and a value of the wrong kind', () => {
    expect(() => new Codec(schema('int'), ['nope'])).toThrow(/unknown test field "nope"/);
    const codec = new Codec(schema('id'));
    expect(() => codec.encode({ v: 'abc' })).toThrow();
    expect(() => codec.encode({ v: 12 })).toThrow(/test\.v is not a valid id/);
    // A failed encode leaves the shared writer clean for the next one.
    expect(codec.decode(codec.encode({ v: '5' }))).toEqual({ v: '5' });
  });

  it('packs a snowflake into 8 bytes', () => {
    const codec = new Codec(schema('id'));
    expect(codec.encode({ v: '1234567890123456789' }).length).toBe(2 + 8);
  });
});
