import { describe, expect, it } from 'vitest';
import { JsonText } from './memory/JsonText.js';
import { PLACEHOLDER, wireJson } from './wireJson.js';

/** A JsonText whose parse would be noticed: the encoder must splice its text, not call `value()`. */
function unparsed(text: string): JsonText {
  const json = new JsonText(text);
  json.value = () => {
    throw new Error('parsed');
  };
  return json;
}

describe('wireJson', () => {
  const d = '{"content":"hi ✓","mentions":[],"author":{"id":"4"},"n":1.5e3}';

  it('writes a top-level JsonText property as its text, without parsing it', () => {
    const envelope = { id: 'b:0:s:1', t: 'MESSAGE_CREATE', d: unparsed(d), guildId: '9', receivedAt: 1 };
    const json = wireJson(envelope);
    expect(json).toBe(`{"id":"b:0:s:1","t":"MESSAGE_CREATE","d":${d},"guildId":"9","receivedAt":1}`);
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify({ ...envelope, d: JSON.parse(d) })));
  });

  it('writes several JsonText properties in their places, and a body that is one', () => {
    expect(wireJson({ a: unparsed('[1]'), b: 2, c: unparsed('"x"'), u: undefined })).toBe(
      '{"a":[1],"b":2,"c":"x"}',
    );
    expect(wireJson(unparsed(d))).toBe(d);
  });

  it('writes a nested JsonText through its value, and anything else as JSON.stringify does', () => {
    const nested = { outer: { d: new JsonText(d) }, list: [new JsonText('2')] };
    expect(wireJson(nested)).toBe(JSON.stringify({ outer: { d: JSON.parse(d) }, list: [2] }));
    const date = new Date(0);
    for (const body of [{ a: 1 }, [1, 'x'], 'text', 3, null, date, { toJSON: () => 'own' }])
      expect(wireJson(body)).toBe(JSON.stringify(body));
    expect(() => wireJson(undefined)).toThrow(/JSON-serialisable/);
  });

  it('never replaces content that equals the placeholder: such a body is encoded through toJSON', () => {
    for (const body of [
      { before: PLACEHOLDER, d: new JsonText('{"x":1}') },
      { d: new JsonText('{"x":1}'), after: [PLACEHOLDER] },
      { [PLACEHOLDER]: 1, d: new JsonText('{"x":1}') },
    ]) {
      const expected = JSON.stringify(body);
      expect(wireJson(body)).toBe(expected);
      expect(JSON.parse(wireJson(body))).toEqual(JSON.parse(expected));
    }
    expect(wireJson({ s: '"\\u0001sw-json-text-', d: unparsed('0') })).toBe(
      '{"s":"\\"\\\\u0001sw-json-text-","d":0}',
    );
  });

  it('splices text that is not JSON as it is, so the whole body does not decode', () => {
    const json = wireJson({ id: 'x', d: unparsed('{"content":') });
    expect(json).toBe('{"id":"x","d":{"content":}');
    expect(() => JSON.parse(json)).toThrow(SyntaxError);
  });
});
