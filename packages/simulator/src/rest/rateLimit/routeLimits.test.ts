import { describe, expect, it } from 'vitest';
import { bucketHash, DEFAULT_ROUTE_LIMIT, majorOf, resolveRoute } from './routeLimits.js';

describe('resolveRoute', () => {
  it.each([
    ['POST', '/channels/:channel_id/messages', { channel_id: '1' }, 5, 5000, 'c1'],
    [
      'PUT',
      '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me',
      { channel_id: '2', message_id: '3', emoji: 'x' },
      1,
      250,
      'c2',
    ],
    ['PATCH', '/channels/:channel_id', { channel_id: '4' }, 5, 5000, 'c4'],
    ['GET', '/guilds/:guild_id/members', { guild_id: '5' }, 10, 10_000, 'g5'],
    ['PATCH', '/users/@me', {}, 2, 3_600_000, ''],
    ['GET', '/users/@me', {}, DEFAULT_ROUTE_LIMIT.limit, DEFAULT_ROUTE_LIMIT.windowMs, ''],
  ])('%s %s → %i per %i ms on %s', (method, pattern, params, limit, windowMs, major) => {
    const route = resolveRoute(method, pattern, params);
    expect(route.limit.limit).toBe(limit);
    expect(route.limit.windowMs).toBe(windowMs);
    expect(route.major).toBe(major);
    expect(route.hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('shares one hash between routes of one bucket, and gives other routes their own', () => {
    const add = resolveRoute('PUT', '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me', {});
    const remove = resolveRoute(
      'DELETE',
      '/channels/:channel_id/messages/:message_id/reactions/:emoji/@me',
      {},
    );
    const create = resolveRoute('POST', '/channels/:channel_id/messages', {});
    const list = resolveRoute('GET', '/channels/:channel_id/messages', {});
    const get = resolveRoute('GET', '/channels/:channel_id', {});
    expect(add.hash).toBe(remove.hash);
    expect(new Set([add.hash, create.hash, list.hash, get.hash]).size).toBe(4);
    expect(bucketHash('reactions')).toBe(add.hash);
  });

  it('exempts interaction callbacks and webhooks with a token from the global limit', () => {
    expect(
      resolveRoute('POST', '/interactions/:interaction_id/:interaction_token/callback', {}).limit
        .globalExempt,
    ).toBe(true);
    expect(resolveRoute('POST', '/webhooks/:webhook_id/:webhook_token', {}).limit.globalExempt).toBe(true);
    expect(resolveRoute('POST', '/channels/:channel_id/messages', {}).limit.globalExempt).toBeUndefined();
  });
});

describe('majorOf', () => {
  it.each([
    [{ channel_id: '1', message_id: '2' }, 'c1'],
    [{ guild_id: '3', user_id: '4' }, 'g3'],
    [{ webhook_id: '5' }, 'w5'],
    [{ webhook_id: '5', webhook_token: 'abc' }, 'w5/abc'],
    [{ user_id: '6' }, ''],
  ])('%o → %s', (params, major) => {
    expect(majorOf(params)).toBe(major);
  });
});
