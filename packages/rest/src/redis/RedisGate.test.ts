import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GLOBAL_WINDOW_MS } from '../limiter/globalLimits.js';
import type { GateRequest } from '../limiter/LimiterGate.js';
import { deleteKeys } from '../testing/proxies.js';
import { RedisGate } from './RedisGate.js';

const REDIS_URL = process.env.REDIS_URL;
const ID = 'bot:1:aaaa';
/** Short leases and waits for `sent`, so a holder that stops renewing is dropped within the test. */
const LEASE_MS = 300;
const SENT_WAIT_MS = 100;

describe.skipIf(!REDIS_URL)('RedisGate (two instances, one Redis)', () => {
  let prefix: string;
  let clients: Redis[];
  let a: RedisGate;
  let b: RedisGate;

  beforeEach(() => {
    prefix = `test:gate:${randomUUID()}:`;
    clients = [new Redis(REDIS_URL!), new Redis(REDIS_URL!)];
    a = new RedisGate(clients[0]!, { prefix, leaseMs: LEASE_MS, sentWaitMs: SENT_WAIT_MS });
    b = new RedisGate(clients[1]!, { prefix, leaseMs: LEASE_MS, sentWaitMs: SENT_WAIT_MS });
  });

  afterEach(async () => {
    a.close();
    b.close();
    await Promise.all(clients.map((c) => c.quit()));
    await deleteKeys(REDIS_URL!, prefix);
  });

  /** Lets a fire-and-forget update land before the next call on another connection. */
  const settle = () => Promise.all(clients.map((c) => c.ping()));
  const ask = (bucketKey: string, more: Partial<GateRequest> = {}): GateRequest => ({
    bucketKey,
    identity: ID,
    globalLimit: 50,
    exempt: false,
    priority: 0,
    ...more,
  });
  const limits = (limit: number, remaining: number, resetAfterMs = 60_000) => ({
    limit,
    remaining,
    resetAfterMs,
  });

  it('lets one instance probe an unknown bucket; the other waits for its answer', async () => {
    const probe = await a.reserve(ask('k'));
    expect(probe.waitMs).toBe(0);
    const waiting = await b.reserve(ask('k'));
    expect(waiting.waitMs).toBeGreaterThan(0);
    a.update('k', ID, { ticket: probe.ticket, epoch: 0, limits: limits(5, 4) });
    await settle();
    expect((await b.reserve(ask('k', { ticket: waiting.ticket }))).waitMs).toBe(0);
  });

  it('shares the places of a window between instances', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(3, 2) });
    await settle();
    const mine = await a.reserve(ask('k'));
    a.sent('k', mine.ticket);
    await settle();
    const theirs = await b.reserve(ask('k'));
    expect([mine.waitMs, theirs.waitMs]).toEqual([0, 0]);
    const spent = await b.reserve(ask('k'));
    expect(spent.waitMs).toBeGreaterThan(59_000);
  });

  it('lets tickets through in arrival order, whichever instance asks first', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(1, 0, 200) });
    await settle();
    // The bucket is spent: three arrive, through a, b, a.
    const queued = [await a.reserve(ask('k')), await b.reserve(ask('k')), await a.reserve(ask('k'))];
    expect(queued.every((x) => x.waitMs > 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, queued[0]!.waitMs + 5));
    // The window is over: the later tickets ask first and are told to wait; the first goes.
    expect((await a.reserve(ask('k', { ticket: queued[2]!.ticket }))).waitMs).toBeGreaterThan(0);
    expect((await b.reserve(ask('k', { ticket: queued[1]!.ticket }))).waitMs).toBeGreaterThan(0);
    const go = await a.reserve(ask('k', { ticket: queued[0]!.ticket }));
    expect(go.waitMs).toBe(0);
    expect(go.ticket).toBe(queued[0]!.ticket);
  });

  it("holds another instance's next ticket back until the one let through is sent", async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(5, 4) });
    await settle();
    const mine = [await a.reserve(ask('k')), await a.reserve(ask('k'))];
    // a's own tickets follow each other at once: a sends them in order by itself.
    expect(mine.map((x) => x.waitMs)).toEqual([0, 0]);
    const theirs = await b.reserve(ask('k'));
    expect(theirs.waitMs).toBeGreaterThan(0);
    a.sent('k', mine[1]!.ticket);
    await settle();
    expect((await b.reserve(ask('k', { ticket: theirs.ticket }))).waitMs).toBe(0);
  });

  it('a re-sent request goes ahead of the tickets waiting', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(1, 0, 200) });
    await settle();
    const waiting = await a.reserve(ask('k'));
    const retry = await b.reserve(ask('k', { priority: 2 }));
    expect([waiting.waitMs, retry.waitMs].every((w) => w > 0)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, retry.waitMs + 5));
    expect((await a.reserve(ask('k', { ticket: waiting.ticket }))).waitMs).toBeGreaterThan(0);
    expect((await b.reserve(ask('k', { ticket: retry.ticket }))).waitMs).toBe(0);
  });

  it('a ticket whose caller left, or whose instance stopped renewing, holds up nobody', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(1, 0, 100) });
    await settle();
    const left = await a.reserve(ask('k'));
    await a.reserve(ask('k')); // its instance stops renewing below
    const alive = await b.reserve(ask('k'));
    a.leave('k', left.ticket);
    a.close(); // a stops renewing: its second ticket runs out
    await settle();
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
    expect((await b.reserve(ask('k', { ticket: alive.ticket }))).waitMs).toBe(0);
  });

  it('a renewed ticket keeps its place past its first lease', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(1, 0, 2 * LEASE_MS) });
    await settle();
    const early = await a.reserve(ask('k'));
    const late = await b.reserve(ask('k'));
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS + 20));
    expect((await b.reserve(ask('k', { ticket: late.ticket }))).waitMs).toBeGreaterThan(0);
    expect((await a.reserve(ask('k', { ticket: early.ticket }))).waitMs).toBe(0);
  });

  it('a place in flight whose instance died frees its bucket after the lease', async () => {
    const probe = await a.reserve(ask('k'));
    expect(probe.waitMs).toBe(0);
    a.close(); // died with the probe in flight: no answer will come
    const waiting = await b.reserve(ask('k'));
    expect(waiting.waitMs).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, Math.max(LEASE_MS, SENT_WAIT_MS) + 50));
    expect((await b.reserve(ask('k', { ticket: waiting.ticket }))).waitMs).toBe(0);
  });

  it('keeps one global counter per identity, interaction callbacks exempt', async () => {
    const waits = [];
    for (let i = 0; i < 3; i++)
      waits.push((await (i % 2 ? a : b).reserve(ask(`k${i}`, { globalLimit: 2 }))).waitMs);
    expect(waits.slice(0, 2)).toEqual([0, 0]);
    expect(waits[2]).toBeGreaterThan(0);
    expect((await a.reserve(ask('k9', { globalLimit: 2, exempt: true }))).waitMs).toBe(0);
    expect((await a.reserve(ask('k10', { globalLimit: 2, identity: 'bot:2:bbbb' }))).waitMs).toBe(0);
  });

  it('holds a global place while its request is in flight, then a window from its answer', async () => {
    const first = await a.reserve(ask('k1', { globalLimit: 1 }));
    expect(first.waitMs).toBe(0);
    expect(first.globalSlot).toBeDefined();
    // In flight: the place stays taken, whatever time passes, and the answer to wait is short.
    const held = await b.reserve(ask('k2', { globalLimit: 1 }));
    expect(held.waitMs).toBe(25);
    a.update('k1', ID, {
      ticket: first.ticket,
      epoch: first.epoch,
      unlimited: true,
      globalSlot: first.globalSlot!,
    });
    await settle();
    // Answered: the place frees a whole window after the answer.
    const after = await b.reserve(ask('k2', { globalLimit: 1, ticket: held.ticket }));
    expect(after.waitMs).toBeGreaterThan(GLOBAL_WINDOW_MS - 100);
    expect(after.waitMs).toBeLessThanOrEqual(GLOBAL_WINDOW_MS);
    expect((await a.reserve(ask('k3', { globalLimit: 1, exempt: true }))).globalSlot).toBeUndefined();
  });

  it('a ticket behind another waits for the global places too, not a short poll', async () => {
    const first = await a.reserve(ask('k1', { globalLimit: 1 }));
    a.update('k1', ID, { ticket: first.ticket, epoch: 0, unlimited: true, globalSlot: first.globalSlot! });
    await settle();
    const head = await a.reserve(ask('k2', { globalLimit: 1 }));
    const behind = await b.reserve(ask('k2', { globalLimit: 1 }));
    expect(head.waitMs).toBeGreaterThan(GLOBAL_WINDOW_MS - 100);
    expect(behind.waitMs).toBeGreaterThan(GLOBAL_WINDOW_MS - 100);
  });

  it('a global 429 holds every bucket of the identity', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, globalBlockedMs: 5_000 });
    await settle();
    expect((await b.reserve(ask('other'))).waitMs).toBeGreaterThan(4_000);
  });

  it('a sub-limit 429 holds the bucket', async () => {
    const first = await a.reserve(ask('k'));
    a.update('k', ID, { ticket: first.ticket, epoch: 0, limits: limits(5, 3), blockedMs: 3_000 });
    await settle();
    expect((await b.reserve(ask('k'))).waitMs).toBeGreaterThan(2_000);
  });
});
