import { describe, expect, it } from 'vitest';
import { wireJson } from '../wireJson.js';
import { JsonText } from './JsonText.js';

describe('JsonText', () => {
  const json = '{"content":"é✓ \\"hi\\"","n":[1,2]}';

  it('reads a slice of a string', () => {
    const text = new JsonText(`{"d":${json}}`, 5, 5 + json.length);
    expect(text.text).toBe(json);
    expect(text.value()).toEqual(JSON.parse(json));
  });

  it('reads UTF-8 bytes cut from a larger buffer, ASCII or not', () => {
    for (const content of [json, '{"content":"plain ascii"}']) {
      const slab = Buffer.from(`prefix${content}suffix`);
      const view = slab.subarray(3, slab.length - 2);
      const text = new JsonText(view, 3, 3 + Buffer.byteLength(content));
      expect(text.text).toBe(content);
      expect(text.value()).toEqual(JSON.parse(content));
      expect(JSON.stringify({ d: text })).toBe(`{"d":${JSON.stringify(JSON.parse(content))}}`);
    }
  });

  it('parses once, and throws a SyntaxError for text that is not JSON', () => {
    const text = new JsonText(Buffer.from(json));
    expect(text.value()).toBe(text.value());
    expect(() => new JsonText(Buffer.from('{"a":')).value()).toThrow(SyntaxError);
  });

  it('is spliced into a networked body as the same text, from bytes or a string', () => {
    const fromBytes = wireJson({ id: '1', d: new JsonText(Buffer.from(json)) });
    expect(fromBytes).toBe(wireJson({ id: '1', d: new JsonText(json) }));
    expect(JSON.parse(fromBytes)).toEqual({ id: '1', d: JSON.parse(json) });
  });
});
