import { loadConfig } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { cacheSettings } from './config.js';
import { parseEntities } from './options.js';

describe('parseEntities (CACHE_ENTITIES)', () => {
  it.each([
    ['', {}],
    ['-voiceState', { voiceState: { cache: false } }],
    [' -emoji , member:nick+roles ', { emoji: { cache: false }, member: { fields: ['nick', 'roles'] } }],
    ['role:name+color+position', { role: { fields: ['name', 'color', 'position'] } }],
  ])('%j', (text, entities) => {
    expect(parseEntities(text)).toEqual({ entities });
  });

  it.each([
    ['-members', /unknown entity "members"/],
    ['member:nickname', /unknown member field "nickname"/],
    ['-member:nick', /has no fields/],
    ['member:', /expected entity:field\+field/],
  ])('rejects %j', (text, message) => {
    expect(() => parseEntities(text)).toThrow(message);
  });

  it('is read from CACHE_ENTITIES, an error naming the variable', () => {
    const spec = { cacheEntities: cacheSettings.cacheEntities };
    expect(loadConfig(spec, { env: { CACHE_ENTITIES: '-emoji' } }).cacheEntities).toEqual({
      entities: { emoji: { cache: false } },
    });
    expect(() => loadConfig(spec, { env: { CACHE_ENTITIES: 'nope' } })).toThrow(
      /CACHE_ENTITIES: unknown entity "nope"/,
    );
  });
});
