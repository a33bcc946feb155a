import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { routeOf } from '../routes.js';
import { type GuardSharing, InvalidRequestGuard, type MarkKind } from './InvalidRequestGuard.js';
import { SlidingCount } from './SlidingCount.js';

const BOT = 'bot:1:aaaa';
const NEW_TOKEN = 'bot:1:bbbb';
const OTHER = 'bot:2:cccc';
const route = (channel = '222222222222222222') => routeOf('POST', `/channels/${channel}/messages`, 0);
const webhook = (id: string) => routeOf('POST', `/webhooks/${id}/${'t'.repeat(68)}`, 0);

function setup(options: ConstructorParameters<typeof InvalidRequestGuard>[0] = {}) {
  const clock = new ManualClock(1_000_000);
  return { clock, guard: new InvalidRequestGuard({ clock, ...options }) };
}

describe('InvalidRequestGuard', () => {
  it('refuses a token that got a 401 until it changes (or the mark expires)', () => {
    const { clock, guard } = setup({ revokedTokenMs: 60_000 });
    guard.record(route(), BOT, 401, {});
    expect(guard.check(route(), BOT)).toMatchObject({ status: 401, reason: 'token-revoked' });
    expect(guard.check(route(), NEW_TOKEN)).toBeUndefined();
    clock.advance(60_000);
    expect(guard.check(route(), BOT)).toBeUndefined();
  });

  it('never marks a client IP as a revoked token', () => {
    const { guard } = setup();
    guard.record(route(), 'ip:10.0.0.1', 401, {});
    expect(guard.check(route(), 'ip:10.0.0.1')).toBeUndefined();
  });

  it('refuses a webhook that answered 404 for a while, and only that webhook', () => {
    const { clock, guard } = setup({ goneWebhookMs: 30_000 });
    guard.record(webhook('111111111111111111'), BOT, 404, {});
    expect(guard.check(webhook('111111111111111111'), OTHER)).toMatchObject({ status: 404, code: 10015 });
    expect(guard.check(webhook('333333333333333333'), BOT)).toBeUndefined();
    clock.advance(30_000);
    expect(guard.check(webhook('111111111111111111'), BOT)).toBeUndefined();
  });

  it('counts 401, 403, non-shared 429 and webhook 404 as invalid, nothing else', () => {
    const { guard } = setup();
    guard.record(route(), BOT, 403, {});
    guard.record(route(), BOT, 429, { 'x-ratelimit-scope': 'user' });
    guard.record(route(), BOT, 429, { 'x-ratelimit-scope': 'shared' });
    guard.record(route(), BOT, 404, {});
    guard.record(route(), BOT, 400, {});
    guard.record(webhook('111111111111111111'), BOT, 404, {});
    guard.record(route(), OTHER, 401, {});
    expect(guard.total()).toBe(4);
  });

  it('past the budget holds what failed lately; past twice the budget, the identity that failed', () => {
    const { clock, guard } = setup({ budget: 3, windowMs: 60_000 });
    const failing = route('222222222222222222');
    const healthy = route('333333333333333333');
    for (let i = 0; i < 3; i++) guard.record(failing, BOT, 403, {});
    const held = guard.check(failing, BOT);
    expect(held).toMatchObject({ status: 503, reason: 'invalid-budget' });
    expect(held!.retryAfterMs).toBe(60_000);
    expect(guard.check(healthy, BOT)).toBeUndefined();
    expect(guard.check(failing, OTHER)).toBeUndefined();
    for (let i = 0; i < 3; i++) guard.record(failing, BOT, 403, {});
    expect(guard.check(healthy, BOT)).toMatchObject({ status: 503 });
    expect(guard.check(healthy, OTHER)).toBeUndefined();
    clock.advance(60_000);
    expect(guard.total()).toBe(0);
    expect(guard.check(failing, BOT)).toBeUndefined();
  });

  it('shares counts and marks with other instances', async () => {
    const recorded: unknown[] = [];
    const sharing: GuardSharing = {
      record: async (count, mark) => {
        recorded.push([count, mark?.kind]);
        return 9;
      },
      snapshot: async () => ({
        total: 10,
        marks: [{ kind: 'token' as MarkKind, key: OTHER, until: 2_000_000 }],
      }),
    };
    const { guard } = setup({ budget: 5, sharing });
    guard.record(route(), BOT, 401, {});
    await Promise.resolve();
    expect(recorded).toEqual([[1, 'token']]);
    await guard.refresh();
    expect(guard.total()).toBe(10);
    expect(guard.check(route(), OTHER)).toMatchObject({ reason: 'token-revoked' });
  });
});

describe('SlidingCount', () => {
  it('forgets what left the window', () => {
    const count = new SlidingCount(10_000);
    count.add(0, 5);
    count.add(4_000, 2);
    expect(count.total(9_999)).toBe(7);
    expect(count.msUntilOldestLeaves(9_999)).toBe(1);
    expect(count.total(10_000)).toBe(2);
    expect(count.total(14_000)).toBe(0);
    count.add(30_000);
    expect(count.total(30_500)).toBe(1);
  });
});
