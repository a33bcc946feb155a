import { describe, expect, it } from 'vitest';
import { splitPayloads } from './splitPayloads.js';

describe('splitPayloads', () => {
  it.each([
    ['{"op":11}', ['{"op":11}'], ''],
    ['{"op":11}{"op":0,"d":{"a":[1,{"b":2}]}}', ['{"op":11}', '{"op":0,"d":{"a":[1,{"b":2}]}}'], ''],
    ['{"c":"}{"}{"c":"\\"}"}', ['{"c":"}{"}', '{"c":"\\"}"}'], ''],
    ['{"c":"\\\\"}{"d":1}', ['{"c":"\\\\"}', '{"d":1}'], ''],
    ['{"op":11}{"op":0,"d":{"con', ['{"op":11}'], '{"op":0,"d":{"con'],
    ['', [], ''],
  ])('%s', (text, payloads, rest) => {
    expect(splitPayloads(text)).toEqual({ payloads, rest });
  });

  it.each([['[1]'], ['x{}'], ['{}}']])('refuses %s', (text) => {
    expect(() => splitPayloads(text)).toThrow();
  });
});
