import { JsonText } from '@shardwire/broker';
import { describe, expect, it } from 'vitest';
import { decodePayload, guildIdOfText, readHead, topLevelString } from './payload.js';

describe('readHead', () => {
  it.each([
    ['{"t":"MESSAGE_CREATE","s":42,"op":0,"d":{"a":1}}', { op: 0, s: 42, t: 'MESSAGE_CREATE', dStart: 40 }],
    ['{"op":0,"s":7,"t":"X","d":[]}', { op: 0, s: 7, t: 'X', dStart: 26 }],
    ['{"op":11,"s":null,"t":null,"d":null}', { op: 11, s: null, t: null, dStart: 31 }],
    // not compact, keys missing or after d, escapes, other keys: parsed in full instead
    ['{"op": 0,"s":1,"t":"X","d":{}}', undefined],
    ['{"op":0,"d":{},"s":1,"t":"X"}', undefined],
    ['{"op":0,"s":1,"d":{}}', undefined],
    ['{"op":0,"s":1,"t":"A\\"B","d":{}}', undefined],
    ['{"op":0,"s":1,"x":2,"t":"X","d":{}}', undefined],
    ['{"op":0,"s":-1,"t":"X","d":{}}', undefined],
    ['{"op":0,"s":1,"t":"X","d":{}} ', undefined],
    ['[1]', undefined],
    ['', undefined],
  ])('%s', (text, head) => {
    expect(readHead(text)).toEqual(head);
    if (head) expect(text.slice(head.dStart, -1)).toBe(JSON.stringify(JSON.parse(text).d));
  });
});

describe('topLevelString', () => {
  it.each([
    ['{"id":"1","guild_id":"2"}', '2'],
    // the same key inside a nested object or array does not count, in any order
    ['{"message_reference":{"guild_id":"9"},"guild_id":"2"}', '2'],
    ['{"guild_id":"2","message_reference":{"guild_id":"9"}}', '2'],
    ['{"message_reference":{"guild_id":"9"}}', undefined],
    ['{"a":[{"guild_id":"9"}],"guild_id":"2"}', '2'],
    // strings holding quotes, braces and the key itself
    ['{"content":"}\\"guild_id\\":\\"9\\",{","guild_id":"2"}', '2'],
    ['{"content":"\\\\","guild_id":"2"}', '2'],
    ['{"content":"\\"guild_id\\":\\"9\\""}', undefined],
    // a string value that is the key's name, not a key
    ['{"x":"guild_id","guild_id":"2"}', '2'],
    // a key ending in an escaped quote and guild_id
    ['{"a\\"guild_id":"9","guild_id":"2"}', '2'],
    ['{"a\\"guild_id":"9"}', undefined],
    // near the end (the brackets after it are counted) and near the start
    ['{"guild_id":"2","a":{"b":[{"c":"d"}],"e":"ffffffffffffffffffff"}}', '2'],
    ['{"a":{"b":[{"c":"dddddddddddddddddddd"}]},"m":{"guild_id":"9"},"guild_id":"2","z":1}', '2'],
    ['{"a":{"b":[{"c":"dddddddddddddddddddd"}]},"guild_id":"2","m":{"guild_id":"9"}}', '2'],
    ['{"guild_id":null}', undefined],
    ['{"guild_id":"a\\u0031"}', undefined],
    ['{}', undefined],
    ['"guild_id"', undefined],
  ])('%s', (json, value) => {
    expect(topLevelString(json, 'guild_id')).toBe(value);
    const parsed = JSON.parse(json) as { guild_id?: unknown };
    if (value !== undefined) expect(parsed.guild_id).toBe(value);
  });

  it('reads what guildIdOf reads', () => {
    expect(guildIdOfText('GUILD_UPDATE', '{"id":"5","owner":{"id":"6"}}')).toBe('5');
    expect(guildIdOfText('GUILD_BAN_ADD', '{"user":{"id":"6"},"guild_id":"5"}')).toBe('5');
  });
});

describe('decodePayload', () => {
  const text = '{"t":"MESSAGE_CREATE","s":3,"op":0,"d":{"id":"1","guild_id":"2"}}';

  it('keeps d as text for the types asked', () => {
    const payload = decodePayload(text, (t) => t === 'MESSAGE_CREATE');
    expect(payload).toMatchObject({ op: 0, s: 3, t: 'MESSAGE_CREATE' });
    expect(payload.d).toBeInstanceOf(JsonText);
    expect((payload.d as JsonText).value()).toEqual({ id: '1', guild_id: '2' });
    expect((payload.d as JsonText).text).toBe('{"id":"1","guild_id":"2"}');
  });

  it('parses every other payload in full', () => {
    expect(decodePayload(text, () => false)).toEqual(JSON.parse(text));
    expect(decodePayload(text)).toEqual(JSON.parse(text));
    const spaced = '{"op": 0, "s": 3, "t": "MESSAGE_CREATE", "d": {}}';
    expect(decodePayload(spaced, () => true)).toEqual(JSON.parse(spaced));
    expect(() => decodePayload('{"op":0,', () => true)).toThrow(SyntaxError);
  });
});
