import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GLOBAL_WINDOW_MS } from '../limiter/globalLimits.js';
import { deleteKeys } from '../testing/proxies.js';
import { RedisGate } from './RedisGate.js';

const REDIS_URL = process.env.REDIS_URL;
const ID = 'bot:1:aaaa';

describe.skipIf(!REDIS_URL)('RedisGate (two instances, one Redis)', () => {
  let prefix: string;
  let clients: Redis[];
  let a: RedisGate;
  let b: RedisGate;

  beforeEach(() => {
    prefix = `test:gate:${randomUUID()}:`;
    clients = [new Redis(REDIS_URL!), new Redis(REDIS_URL!)];
    a = new RedisGate(clients[0]!, { prefix });
    b = new RedisGate(clients[1]!, { prefix });
  });

  afterEach(async () => {
    await Promise.all(clients.map((c) => c.quit()));
    await deleteKeys(REDIS_URL!, prefix);
  });

  /** Lets a fire-and-forget update land before the next call on another connection. */
  const settle = () => clients[0]!.ping();

  it('lets one instance probe an unknown bucket; the other waits for its answer', async () => {
    expect((await a.reserve('k', ID, 50, false)).waitMs).toBe(0);
    expect((await b.reserve('k', ID, 50, false)).waitMs).toBeGreaterThan(0);
    a.update('k', ID, { epoch: 0, limits: { limit: 5, remaining: 4, resetAfterMs: 60_000 } });
    await settle();
    expect((await b.reserve('k', ID, 50, false)).waitMs).toBe(0);
  });

  it('shares the places of a window between instances', async () => {
    await a.reserve('k', ID, 50, false);
    a.update('k', ID, { epoch: 0, limits: { limit: 3, remaining: 2, resetAfterMs: 60_000 } });
    await settle();
    const answers = [await a.reserve('k', ID, 50, false), await b.reserve('k', ID, 50, false)];
    expect(answers.map((x) => x.waitMs)).toEqual([0, 0]);
    const spent = await b.reserve('k', ID, 50, false);
    expect(spent.waitMs).toBeGreaterThan(59_000);
  });

  it('keeps one global counter per identity, interaction callbacks exempt', async () => {
    const waits = [];
    for (let i = 0; i < 3; i++) waits.push((await (i % 2 ? a : b).reserve(`k${i}`, ID, 2, false)).waitMs);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(0);
    expect((await a.reserve('k9', ID, 2, true)).waitMs).toBe(0);
    expect((await a.reserve('k10', 'bot:2:bbbb', 2, false)).waitMs).toBe(0);
  });

  it('holds a global place while its request is in flight, then a window from its answer', async () => {
    const first = await a.reserve('k1', ID, 1, false);
    expect(first.waitMs).toBe(0);
    expect(first.globalSlot).toBeDefined();
    // In flight: the place stays taken, whatever time passes, and the answer to wait is short.
    const held = await b.reserve('k2', ID, 1, false);
    expect(held.waitMs).toBe(25);
    a.update('k1', ID, { epoch: first.epoch, unlimited: true, globalSlot: first.globalSlot! });
    await settle();
    // Answered: the place frees a whole window after the answer.
    const after = await b.reserve('k2', ID, 1, false);
    expect(after.waitMs).toBeGreaterThan(GLOBAL_WINDOW_MS - 100);
    expect(after.waitMs).toBeLessThanOrEqual(GLOBAL_WINDOW_MS);
    expect((await a.reserve('k3', ID, 1, true)).globalSlot).toBeUndefined();
  });

  it('a global 429 holds every bucket of the identity', async () => {
    await a.reserve('k', ID, 50, false);
    a.update('k', ID, { epoch: 0, globalBlockedMs: 5_000 });
    await settle();
    expect((await b.reserve('other', ID, 50, false)).waitMs).toBeGreaterThan(4_000);
  });

  it('a sub-limit 429 holds the bucket', async () => {
    await a.reserve('k', ID, 50, false);
    a.update('k', ID, {
      epoch: 0,
      limits: { limit: 5, remaining: 3, resetAfterMs: 60_000 },
      blockedMs: 3_000,
    });
    await settle();
    expect((await b.reserve('k', ID, 50, false)).waitMs).toBeGreaterThan(2_000);
  });
});
