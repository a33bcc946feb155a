import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { RateLimiter, retryAfterHeader } from './rateLimiter.js';
import { resolveRoute, SHARED_LIMITS } from './routeLimits.js';

const T0 = 1_700_000_000_000;
const create = (channel: string) =>
  resolveRoute('POST', '/channels/:channel_id/messages', { channel_id: channel });
const callback = resolveRoute('POST', '/interactions/:interaction_id/:interaction_token/callback', {
  interaction_id: '1',
  interaction_token: 't',
});

describe('RateLimiter', () => {
  it('allows a bucket its limit per window with headers, then answers a user-scope 429 until it resets', () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 5; i++) {
      const ok = limiter.check('bot', create('1'), 'bot');
      expect(ok.allowed).toBe(true);
      expect(ok.headers['x-ratelimit-remaining']).toBe(String(4 - i));
    }
    const first = limiter.check('bot', create('1'), 'bot');
    expect(first.allowed).toBe(false);
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '5',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': ((T0 + 5000) / 1000).toFixed(3),
      'x-ratelimit-reset-after': '5.000',
      'x-ratelimit-bucket': create('1').hash,
    });
    clock.advance(1500);
    const limited = limiter.check('bot', create('1'), 'bot');
    expect(limited.allowed).toBe(false);
    if (limited.allowed) return;
    expect(limited.scope).toBe('user');
    expect(limited.body).toEqual({ message: 'You are being rate limited.', retry_after: 3.5, global: false });
    expect(limited.headers).toMatchObject({
      'retry-after': '4',
      'x-ratelimit-scope': 'user',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset-after': '3.500',
    });
    // Another channel (top-level resource) and another bot have buckets of their own.
    expect(limiter.check('bot', create('2'), 'bot').allowed).toBe(true);
    expect(limiter.check('other', create('1'), 'other').allowed).toBe(true);
    clock.advance(3500);
    expect(limiter.check('bot', create('1'), 'bot').allowed).toBe(true);
  });

  it('limits a bot to 50 requests per second across routes, or to its own global limit', () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock);
    for (let i = 0; i < 50; i++) expect(limiter.check('bot', create(String(i)), 'bot').allowed).toBe(true);
    const limited = limiter.check('bot', create('99'), 'bot');
    expect(limited).toMatchObject({
      allowed: false,
      scope: 'global',
      headers: { 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global', 'retry-after': '1' },
      body: { message: 'You are being rate limited.', retry_after: 1, global: true },
    });
    // Interaction callbacks do not count against (nor stop at) the global limit.
    expect(limiter.check('bot', callback, 'bot').allowed).toBe(true);
    clock.advance(1000);
    expect(limiter.check('bot', create('99'), 'bot').allowed).toBe(true);

    limiter.setGlobalLimit('small', 3);
    for (let i = 0; i < 3; i++) expect(limiter.check('small', create(String(i)), 'small').allowed).toBe(true);
    expect(limiter.check('small', create('3'), 'small')).toMatchObject({ allowed: false, scope: 'global' });
  });

  it('shares per-resource limits between callers with scope shared', () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock);
    expect(limiter.checkShared(SHARED_LIMITS.channelRename, 'c1')).toBeUndefined();
    expect(limiter.checkShared(SHARED_LIMITS.channelRename, 'c1')).toBeUndefined();
    const limited = limiter.checkShared(SHARED_LIMITS.channelRename, 'c1');
    expect(limited).toEqual({
      headers: { 'retry-after': '600', 'x-ratelimit-scope': 'shared' },
      body: { message: 'The resource is being rate limited.', retry_after: 600, global: false },
    });
    expect(limiter.checkShared(SHARED_LIMITS.channelRename, 'c2')).toBeUndefined();
  });

  it('scales windows, not counts', () => {
    const clock = new ManualClock(T0);
    const limiter = new RateLimiter(clock, { scale: 0.01 });
    for (let i = 0; i < 5; i++) expect(limiter.check('bot', create('1'), 'bot').allowed).toBe(true);
    const limited = limiter.check('bot', create('1'), 'bot');
    expect(limited).toMatchObject({ allowed: false, headers: { 'x-ratelimit-reset-after': '0.050' } });
    clock.advance(50);
    expect(limiter.check('bot', create('1'), 'bot').allowed).toBe(true);
    expect(limiter.window(600_000)).toBe(6000);
  });

  it.each([
    [1, '1'],
    [999, '1'],
    [1001, '2'],
    [64_570, '65'],
  ])('Retry-After for %i ms is %s', (ms, header) => {
    expect(retryAfterHeader(ms)).toBe(header);
  });
});
