import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { InvalidRequests, isInvalidResponse } from './invalidRequests.js';

describe('isInvalidResponse', () => {
  it.each([
    [401, undefined, true],
    [403, undefined, true],
    [429, 'user', true],
    [429, 'global', true],
    [429, 'shared', false],
    [404, undefined, false],
    [200, undefined, false],
    [500, undefined, false],
  ])('%i scope %s → %s', (status, scope, invalid) => {
    expect(isInvalidResponse(status, scope)).toBe(invalid);
  });
});

describe('InvalidRequests', () => {
  it('bans an IP past the threshold within the window, for the ban time, and not other IPs', () => {
    const clock = new ManualClock(1_000_000);
    const invalid = new InvalidRequests(clock, { threshold: 10, windowMs: 60_000, banMs: 5_000 });
    for (let i = 0; i < 10; i++) invalid.record('1.1.1.1');
    expect(invalid.bannedFor('1.1.1.1')).toBe(0);
    invalid.record('1.1.1.1');
    expect(invalid.bannedFor('1.1.1.1')).toBe(5_000);
    expect(invalid.bannedFor('2.2.2.2')).toBe(0);
    clock.advance(4_000);
    expect(invalid.bannedFor('1.1.1.1')).toBe(1_000);
    clock.advance(1_000);
    expect(invalid.bannedFor('1.1.1.1')).toBe(0);
    expect(invalid.json()['1.1.1.1']).toMatchObject({ invalid: 11, bans: 1, bannedForMs: 0 });
  });

  it('forgets invalid requests that left the sliding window', () => {
    const clock = new ManualClock(1_000_000);
    const invalid = new InvalidRequests(clock, { threshold: 10, windowMs: 60_000, banMs: 5_000 });
    for (let i = 0; i < 10; i++) invalid.record('ip');
    clock.advance(30_000);
    expect(invalid.json().ip?.inWindow).toBe(10);
    clock.advance(31_000);
    expect(invalid.json().ip?.inWindow).toBe(0);
    for (let i = 0; i < 10; i++) invalid.record('ip');
    expect(invalid.bannedFor('ip')).toBe(0);
  });
});
