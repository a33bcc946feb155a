import { describe, expect, it } from 'vitest';
import { disallowedIntents, parseIdentify, parseResume } from './identify.js';

const properties = { os: 'linux', browser: 'b', device: 'd' };
const base = { token: 'tok', intents: 513, properties };

describe('parseIdentify', () => {
  const rows: [string, unknown, number | 'ok'][] = [
    ['a minimal IDENTIFY', base, 'ok'],
    ['not an object', 'hello', 4001],
    ['no token', { ...base, token: '' }, 4004],
    ['no properties', { ...base, properties: undefined }, 4001],
    ['properties missing device', { ...base, properties: { os: 'x', browser: 'y' } }, 4001],
    ['no intents', { ...base, intents: undefined }, 4013],
    ['negative intents', { ...base, intents: -1 }, 4013],
    ['an undefined intent bit', { ...base, intents: 1 << 22 }, 4013],
    ['shard [1, 1]', { ...base, shard: [1, 1] }, 4010],
    ['shard [0, 0]', { ...base, shard: [0, 0] }, 4010],
    ['shard with a float', { ...base, shard: [0.5, 2] }, 4010],
    ['shard [3, 4]', { ...base, shard: [3, 4] }, 'ok'],
    ['large_threshold 49', { ...base, large_threshold: 49 }, 4001],
    ['large_threshold 250', { ...base, large_threshold: 250 }, 'ok'],
    ['compress "yes"', { ...base, compress: 'yes' }, 4001],
  ];
  it.each(rows)('%s', (_name, d, expected) => {
    const result = parseIdentify(d);
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });

  it('strips a Bot prefix and fills defaults', () => {
    expect(parseIdentify({ ...base, token: 'Bot abc' })).toEqual({
      ok: true,
      value: { token: 'abc', intents: 513, shard: [0, 1], largeThreshold: 50, compress: false },
    });
  });
});

describe('parseResume', () => {
  it.each([
    ['valid', { token: 't', session_id: 's', seq: 3 }, 'ok'],
    ['seq null means nothing seen', { token: 't', session_id: 's', seq: null }, 'ok'],
    ['negative seq', { token: 't', session_id: 's', seq: -1 }, 4007],
    ['no session id', { token: 't', seq: 1 }, 4001],
    ['no token', { session_id: 's', seq: 1 }, 4004],
  ] as [string, unknown, number | 'ok'][])('%s', (_name, d, expected) => {
    const result = parseResume(d);
    expect(result.ok ? 'ok' : result.code).toBe(expected);
  });
});

describe('disallowedIntents', () => {
  it('reports privileged intents not enabled, ignores the others', () => {
    expect(disallowedIntents(1 | 512 | 32768, 0)).toBe(32768);
    expect(disallowedIntents(1 | 512 | 32768, 32768)).toBe(0);
    expect(disallowedIntents(2 | 256, 2)).toBe(256);
  });
});
