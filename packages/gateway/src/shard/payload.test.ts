import { JsonText } from '@shardwire/broker';
import { describe, expect, it } from 'vitest';
import { decodePayload, guildIdOfText, readHead } from './payload.js';

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
    ['{"op":0,"s":nul}', undefined],
    ['{"s":n}', undefined],
    ['', undefined],
  ])('%s', (text, head) => {
    expect(readHead(Buffer.from(text))).toEqual(head);
    if (head) expect(text.slice(head.dStart, -1)).toBe(JSON.stringify(JSON.parse(text).d));
  });

  it('reads each type from its bytes, whether recognised as a recent one or decoded', () => {
    // More types than the ring of recent ones holds, some of one length, each read twice over.
    const types = [
      'TYPING_START',
      'MESSAGE_CREATE',
      'MESSAGE_UPDATE',
      'MESSAGE_DELETE',
      'A',
      'B',
      'C',
      'D',
      'E',
      'F',
    ];
    const read = () => types.map((t) => readHead(Buffer.from(`{"t":"${t}","s":1,"op":0,"d":{}}`))?.t);
    const first = read();
    expect(first).toEqual(types);
    expect(read()).toEqual(types);
    expect(readHead(Buffer.from('{"t":"MESSAGE_CREAT\\u0045","s":1,"op":0,"d":{}}'))).toBeUndefined();
    expect(readHead(Buffer.from('{"t":"MESSAGE_CRÉATE","s":1,"op":0,"d":{}}'))?.t).toBe('MESSAGE_CRÉATE');
    expect(readHead(Buffer.from('{"t":"MESSAGE_CRÉATE","s":1,"op":0,"d":{}}'))?.t).toBe('MESSAGE_CRÉATE');
  });
});

describe('guildIdOfText', () => {
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
    ['{"guild_id":null,"a":"2"}', undefined],
    ['{"guild_id":1}', undefined],
    // the last of two equal keys, as JSON.parse keeps it
    ['{"guild_id":"1","guild_id":"2"}', '2'],
    ['{"guild_id":"a\\u0031"}', undefined],
    ['{}', undefined],
    ['"guild_id"', undefined],
  ])('%s', (json, value) => {
    expect(guildIdOfText('MESSAGE_CREATE', Buffer.from(json))).toBe(value);
    // the same object inside a larger buffer, bounded by start and end
    const framed = Buffer.from(`{"d":${json}}`);
    expect(guildIdOfText('MESSAGE_CREATE', framed, 5, framed.length - 1)).toBe(value);
    const parsed = JSON.parse(json) as { guild_id?: unknown };
    if (value !== undefined) expect(parsed.guild_id).toBe(value);
  });

  it('reads what guildIdOf reads', () => {
    expect(guildIdOfText('GUILD_UPDATE', Buffer.from('{"id":"5","owner":{"id":"6"}}'))).toBe('5');
    expect(guildIdOfText('GUILD_BAN_ADD', Buffer.from('{"user":{"id":"6"},"guild_id":"5"}'))).toBe('5');
  });

  it('decodes values that are not ASCII as UTF-8', () => {
    expect(guildIdOfText('MESSAGE_CREATE', Buffer.from('{"guild_id":"é✓"}'))).toBe('é✓');
  });
});

describe('decodePayload', () => {
  const text = '{"t":"MESSAGE_CREATE","s":3,"op":0,"d":{"id":"1","content":"é✓","guild_id":"2"}}';
  const d = { id: '1', content: 'é✓', guild_id: '2' };

  it('keeps d as text for the types asked, with its guild id, the bytes cut from a larger buffer', () => {
    const slab = Buffer.from(`xx${text}yy`);
    const payload = decodePayload(slab.subarray(2, slab.length - 2), (t) => t === 'MESSAGE_CREATE');
    expect(payload).toMatchObject({ op: 0, s: 3, t: 'MESSAGE_CREATE', guildId: '2' });
    expect(payload.d).toBeInstanceOf(JsonText);
    expect((payload.d as JsonText).text).toBe(JSON.stringify(d));
    expect((payload.d as JsonText).value()).toEqual(d);
  });

  it('leaves guildId out when d has none', () => {
    const payload = decodePayload(
      Buffer.from('{"t":"TYPING_START","s":1,"op":0,"d":{"user_id":"3"}}'),
      () => true,
    );
    expect(payload).not.toHaveProperty('guildId');
  });

  it('parses every other payload in full', () => {
    expect(decodePayload(Buffer.from(text), () => false)).toEqual(JSON.parse(text));
    expect(decodePayload(Buffer.from(text))).toEqual(JSON.parse(text));
    const spaced = '{"op": 0, "s": 3, "t": "MESSAGE_CREATE", "d": {}}';
    expect(decodePayload(Buffer.from(spaced), () => true)).toEqual(JSON.parse(spaced));
    expect(() => decodePayload(Buffer.from('{"op":0,'), () => true)).toThrow(SyntaxError);
  });
});
