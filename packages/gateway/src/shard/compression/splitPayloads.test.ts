import { describe, expect, it } from 'vitest';
import { cutPayloads, splitPayloads } from './splitPayloads.js';

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

describe('cutPayloads', () => {
  it.each([
    // [text, complete, endsComplete, payloads, rest]
    ['{"op":11}', 1, true, ['{"op":11}'], ''],
    ['{"op":11}{"op":0,"d":{"a":[1,{"b":2}]}}', 2, true, ['{"op":11}', '{"op":0,"d":{"a":[1,{"b":2}]}}'], ''],
    ['{"op":11}{"op":0,"d":{"con', 1, false, ['{"op":11}'], '{"op":0,"d":{"con'],
    ['{"op":0,"d":{"con', 0, false, [], '{"op":0,"d":{"con'],
    // a string ending in }{ gives one candidate too many: the exact scan decides
    ['{"c":"}{"}{"d":1}', 2, true, ['{"c":"}{"}', '{"d":1}'], ''],
    ['{"c":"}{"}{"d":1}{"e', 2, false, ['{"c":"}{"}', '{"d":1}'], '{"e'],
    // not compact: fewer candidates, the exact scan decides
    ['{"a":1} {"b":2}', 2, true, ['{"a":1}', ' {"b":2}'], ''],
  ] as const)('%s', (text, complete, endsComplete, payloads, rest) => {
    expect(cutPayloads(text, complete, endsComplete)).toEqual({ payloads, rest });
  });

  it('refuses text whose payloads do not match the frames that ended', () => {
    expect(() => cutPayloads('{"a":1}{"b":2}', 3, true)).toThrow(/3 payload ends but 2/);
    expect(() => cutPayloads('{"a":1}{"b', 2, false)).toThrow(/2 payload ends but 1/);
  });
});
