import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { type Route, routeOf } from '../routes.js';
import { GLOBAL_WINDOW_MS } from './globalLimits.js';
import { DeadlineError, type Permit, QueueFullError } from './Limiter.js';
import type { GateAnswer, GateUpdate, LimiterGate } from './LimiterGate.js';
import { MemoryLimiter } from './MemoryLimiter.js';

const C1 = '222222222222222222';
const C2 = '333333333333333333';
const BOT = 'bot:1:aaaa';
const OTHER = 'bot:2:bbbb';
const send = (channel = C1) => routeOf('POST', `/channels/${channel}/messages`, 0);
const edit = (channel = C1) => routeOf('PATCH', `/channels/${channel}/messages/444444444444444444`, 0);
const callback = () => routeOf('POST', `/interactions/555555555555555555/${'t'.repeat(70)}/callback`, 0);

function limits(limit: number, remaining: number, resetAfter: number, bucket = 'hash-a') {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset-after': String(resetAfter),
    'x-ratelimit-bucket': bucket,
  };
}

/** Acquires and records when each permit was granted. */
function track(promise: Promise<Permit>) {
  const state: { permit?: Permit; error?: unknown } = {};
  promise.then(
    (permit) => (state.permit = permit),
    (error) => (state.error = error),
  );
  return state;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

/** Sends one request of `route` and answers it with `headers`. */
async function answered(limiter: MemoryLimiter, route: Route, headers: Record<string, string>) {
  const permit = await limiter.acquire({ route, identity: BOT });
  permit.complete(200, headers);
}

function setup(options: ConstructorParameters<typeof MemoryLimiter>[0] = {}) {
  const clock = new ManualClock(1_000_000);
  const limiter = new MemoryLimiter({ clock, ...options });
  return { clock, limiter };
}

describe('MemoryLimiter buckets', () => {
  it('probes an unknown bucket with one request, then lets Remaining go in flight together', async () => {
    const { limiter } = setup();
    const a = track(limiter.acquire({ route: send(), identity: BOT }));
    const b = track(limiter.acquire({ route: send(), identity: BOT }));
    const c = track(limiter.acquire({ route: send(), identity: BOT }));
    const d = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    expect([!!a.permit, !!b.permit, !!c.permit, !!d.permit]).toEqual([true, false, false, false]);
    a.permit!.complete(200, limits(5, 2, 5));
    await flush();
    // Two left in this window: b and c go at once, d waits.
    expect([!!b.permit, !!c.permit, !!d.permit]).toEqual([true, true, false]);
    limiter.close();
  });

  it('waits Reset-After once the bucket is spent', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(1, 0, 2.5));
    const b = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    expect(b.permit).toBeUndefined();
    clock.advance(2499);
    await flush();
    expect(b.permit).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(b.permit).toBeDefined();
    limiter.close();
  });

  it('never sends more than Limit in a window when the previous window was not used up', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(3, 2, 1));
    clock.advance(1000); // the window ends with 2 unused
    const granted: Permit[] = [];
    for (let i = 0; i < 6; i++)
      limiter.acquire({ route: send(), identity: BOT }).then(
        (p) => granted.push(p),
        () => {},
      );
    await flush();
    expect(granted.length).toBe(3);
    limiter.close();
  });

  it('counts requests still in flight at a window end against the next window', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(2, 1, 1));
    const straggler = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    expect(straggler.permit).toBeDefined();
    clock.advance(1000); // the window ends while the straggler is in flight: it may land in the next one
    const next = [1, 2].map(() => track(limiter.acquire({ route: send(), identity: BOT })));
    await flush();
    expect(next.map((n) => !!n.permit)).toEqual([true, false]);
    limiter.close();
  });

  it('keeps the majors of one route apart', async () => {
    const { limiter } = setup();
    await answered(limiter, send(C1), limits(1, 0, 5));
    const sameChannel = track(limiter.acquire({ route: send(C1), identity: BOT }));
    const otherChannel = track(limiter.acquire({ route: send(C2), identity: BOT }));
    await flush();
    expect(sameChannel.permit).toBeUndefined();
    expect(otherChannel.permit).toBeDefined();
    limiter.close();
  });

  it('joins routes that share a bucket hash into one queue', async () => {
    const learned: [string, string][] = [];
    const { limiter } = setup({ onHashLearned: (route, hash) => learned.push([route, hash]) });
    const a = track(limiter.acquire({ route: send(), identity: BOT }));
    const b = track(limiter.acquire({ route: edit(), identity: BOT }));
    await flush();
    a.permit!.complete(200, limits(2, 1, 5, 'shared'));
    b.permit!.complete(200, limits(2, 0, 5, 'shared'));
    expect(learned).toEqual([
      ['POST /channels/:channel/messages', 'shared'],
      ['PATCH /channels/:channel/messages/:id', 'shared'],
    ]);
    // Both routes now count against one spent bucket.
    const c = track(limiter.acquire({ route: send(), identity: BOT }));
    const d = track(limiter.acquire({ route: edit(), identity: BOT }));
    await flush();
    expect(c.permit).toBeUndefined();
    expect(d.permit).toBeUndefined();
    expect(limiter.hashOf('PATCH /channels/:channel/messages/:id')).toBe('shared');
    limiter.close();
  });

  it('a route object used again (as the proxy keeps them) follows its bucket through a merge and a sweep', async () => {
    const { clock, limiter } = setup({ idleMs: 1_000 });
    const sendRoute = send();
    const editRoute = edit();
    await answered(limiter, sendRoute, limits(1, 1, 5, 'shared'));
    await answered(limiter, editRoute, limits(1, 0, 5, 'shared')); // merged: both spend one bucket
    expect(limiter.tryAcquire({ route: sendRoute, identity: BOT })).toBeUndefined();
    expect(limiter.stats().buckets).toBe(1);
    clock.advance(70_000); // past the window, the idle time and a sweep period
    // Swept: a bucket made anew, unknown again, so one probe at a time.
    const probe = limiter.tryAcquire({ route: sendRoute, identity: BOT });
    expect(probe).toBeDefined();
    expect(limiter.tryAcquire({ route: sendRoute, identity: BOT })).toBeUndefined();
    expect(limiter.stats()).toMatchObject({ buckets: 1, inFlight: 1 });
    limiter.close();
  });

  it('starts from hashes learned before (a restart)', async () => {
    const { limiter } = setup({ hashes: [['POST /channels/:channel/messages', 'h']] });
    expect(limiter.hashOf('POST /channels/:channel/messages')).toBe('h');
    limiter.close();
  });

  it('keeps FIFO order within a bucket', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(1, 0, 1));
    const order: number[] = [];
    const permits: Promise<void>[] = [];
    for (let i = 0; i < 4; i++) {
      permits.push(
        limiter.acquire({ route: send(), identity: BOT }).then((permit) => {
          order.push(i);
          permit.complete(200, limits(1, 0, 1));
        }),
      );
    }
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await flush();
    }
    await Promise.all(permits);
    expect(order).toEqual([0, 1, 2, 3]);
    limiter.close();
  });
});

describe('MemoryLimiter 429s', () => {
  it('holds the bucket for retry_after on a sub-limit 429 and puts the retry first', async () => {
    const { clock, limiter } = setup();
    const a = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    const outcome = a.permit!.complete(429, {
      ...limits(5, 3, 5),
      'retry-after': '2',
      'x-ratelimit-scope': 'user',
    });
    expect(outcome).toMatchObject({ limited: true, scope: 'user', retryAfterMs: 2000 });
    const waiting = track(limiter.acquire({ route: send(), identity: BOT }));
    const retry = track(limiter.acquire({ route: send(), identity: BOT, retry: true }));
    clock.advance(1999);
    await flush();
    expect(waiting.permit ?? retry.permit).toBeUndefined();
    clock.advance(1);
    await flush();
    expect(retry.permit).toBeDefined();
    limiter.close();
  });

  it('a global 429 holds every bucket of that bot only', async () => {
    const { clock, limiter } = setup();
    const a = track(limiter.acquire({ route: send(C1), identity: BOT }));
    await flush();
    a.permit!.complete(429, {
      'retry-after': '1',
      'x-ratelimit-global': 'true',
      'x-ratelimit-scope': 'global',
    });
    const sameBot = track(limiter.acquire({ route: send(C2), identity: BOT }));
    const otherBot = track(limiter.acquire({ route: send(C2), identity: OTHER }));
    const exempt = track(limiter.acquire({ route: callback(), identity: BOT }));
    await flush();
    expect(sameBot.permit).toBeUndefined();
    expect(otherBot.permit).toBeDefined();
    expect(exempt.permit).toBeDefined();
    clock.advance(1000);
    await flush();
    expect(sameBot.permit).toBeDefined();
    limiter.close();
  });
});

describe('MemoryLimiter global limit', () => {
  it('counts each identity apart and exempts interaction callbacks', async () => {
    const { clock, limiter } = setup({ globalLimit: (identity) => (identity === OTHER ? 3 : 2) });
    const granted: Record<string, number> = { [BOT]: 0, [OTHER]: 0, exempt: 0 };
    for (let i = 0; i < 5; i++) {
      limiter.acquire({ route: send(String(100000000000000000n + BigInt(i))), identity: BOT }).then(
        (permit) => {
          granted[BOT]!++;
          permit.complete(200, {}); // answered at once: its place frees a window from now
        },
        () => {},
      );
      limiter.acquire({ route: send(String(200000000000000000n + BigInt(i))), identity: OTHER }).then(
        (permit) => {
          granted[OTHER]!++;
          permit.complete(200, {}); // answered at once: its place frees a window from now
        },
        () => {},
      );
      limiter
        .acquire({
          route: routeOf('POST', `/interactions/${i}0000000000000000/${'t'.repeat(70)}/callback`),
          identity: BOT,
        })
        .then(
          () => granted.exempt!++,
          () => {},
        );
    }
    await flush();
    expect(granted).toEqual({ [BOT]: 2, [OTHER]: 3, exempt: 5 });
    clock.advance(GLOBAL_WINDOW_MS);
    await flush();
    expect(granted).toEqual({ [BOT]: 4, [OTHER]: 5, exempt: 5 });
    limiter.close();
  });
});

describe('MemoryLimiter waiting', () => {
  it('fails fast with a DeadlineError when the bucket cannot send before the deadline', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(1, 0, 30));
    const late = track(limiter.acquire({ route: send(), identity: BOT, deadline: clock.now() + 1000 }));
    const patient = track(limiter.acquire({ route: send(), identity: BOT, deadline: clock.now() + 60_000 }));
    await flush();
    expect(late.error).toBeInstanceOf(DeadlineError);
    expect((late.error as DeadlineError).retryAfterMs).toBe(30_000);
    expect(patient.error).toBeUndefined();
    clock.advance(30_000);
    await flush();
    expect(patient.permit).toBeDefined();
    limiter.close();
  });

  it('a deadline that passes behind an unanswered probe rejects at the deadline', async () => {
    const { clock, limiter } = setup();
    const probe = track(limiter.acquire({ route: send(), identity: BOT }));
    const next = track(limiter.acquire({ route: send(), identity: BOT, deadline: clock.now() + 500 }));
    await flush();
    expect(probe.permit).toBeDefined();
    clock.advance(500);
    await flush();
    expect(next.error).toBeInstanceOf(DeadlineError);
    limiter.close();
  });

  it('an aborted waiter leaves the queue and the next one takes its place', async () => {
    const { clock, limiter } = setup();
    await answered(limiter, send(), limits(1, 0, 1));
    const controller = new AbortController();
    const gone = track(limiter.acquire({ route: send(), identity: BOT, signal: controller.signal }));
    const next = track(limiter.acquire({ route: send(), identity: BOT }));
    controller.abort(new Error('caller left'));
    await flush();
    expect((gone.error as Error).message).toBe('caller left');
    expect(limiter.stats().queued).toBe(1);
    clock.advance(1000);
    await flush();
    expect(next.permit).toBeDefined();
    limiter.close();
  });

  it('an interaction callback jumps ahead of waiting neighbours', async () => {
    const { clock, limiter } = setup();
    const route = routeOf('POST', `/interactions/555555555555555555/${'t'.repeat(70)}/callback`);
    const a = track(limiter.acquire({ route, identity: BOT }));
    await flush();
    a.permit!.complete(200, limits(1, 0, 1));
    const order: string[] = [];
    limiter.acquire({ route: { ...route, interaction: false }, identity: BOT }).then(
      () => order.push('plain'),
      () => {},
    );
    limiter.acquire({ route, identity: BOT }).then(
      () => order.push('interaction'),
      () => {},
    );
    clock.advance(1000);
    await flush();
    expect(order).toEqual(['interaction']);
    limiter.close();
  });

  it('refuses new waiters when the queue is full', async () => {
    const { limiter } = setup({ maxQueue: 2 });
    limiter.acquire({ route: send(), identity: BOT }).catch(() => {});
    const queued = [1, 2].map(() => track(limiter.acquire({ route: send(), identity: BOT })));
    const refused = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    expect(refused.error).toBeInstanceOf(QueueFullError);
    limiter.close();
    await flush();
    expect(queued.every((q) => q.error)).toBe(true);
  });

  it('a cancelled probe lets the next request probe', async () => {
    const { limiter } = setup();
    const a = track(limiter.acquire({ route: send(), identity: BOT }));
    const b = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    a.permit!.cancel();
    await flush();
    expect(b.permit).toBeDefined();
    limiter.close();
  });
});

describe('MemoryLimiter.tryAcquire (the fast path)', () => {
  it('grants at once while the bucket has room, taking the same places acquire would', async () => {
    const { clock, limiter } = setup();
    const probe = limiter.tryAcquire({ route: send(), identity: BOT });
    expect(probe).toBeDefined();
    // Unknown bucket with its probe in flight: nothing more at once.
    expect(limiter.tryAcquire({ route: send(), identity: BOT })).toBeUndefined();
    probe!.complete(200, limits(3, 2, 5));
    const b = limiter.tryAcquire({ route: send(), identity: BOT });
    const c = limiter.tryAcquire({ route: send(), identity: BOT });
    expect([!!b, !!c]).toEqual([true, true]);
    // Spent: neither path grants before Reset-After.
    expect(limiter.tryAcquire({ route: send(), identity: BOT })).toBeUndefined();
    const d = track(limiter.acquire({ route: send(), identity: BOT }));
    await flush();
    expect(d.permit).toBeUndefined();
    expect(limiter.stats()).toEqual({ buckets: 1, queued: 1, inFlight: 2 });
    b!.complete(200, limits(3, 1, 5));
    c!.complete(200, limits(3, 0, 5));
    clock.advance(5_000);
    await flush();
    expect(d.permit).toBeDefined();
    limiter.close();
  });

  it('never jumps a queue: with a waiter ahead it declines', async () => {
    const { limiter } = setup();
    const first = limiter.tryAcquire({ route: send(), identity: BOT })!;
    const waiting = track(limiter.acquire({ route: send(), identity: BOT }));
    first.complete(200, limits(5, 0, 1));
    await flush();
    expect(waiting.permit).toBeUndefined();
    expect(limiter.tryAcquire({ route: send(), identity: BOT })).toBeUndefined();
    expect(limiter.stats().queued).toBe(1);
    limiter.close();
  });

  it('counts against the global limit and declines once it is spent', () => {
    const { limiter } = setup({ globalLimit: 2 });
    expect(limiter.tryAcquire({ route: send(C1), identity: BOT })).toBeDefined();
    expect(limiter.tryAcquire({ route: send(C2), identity: BOT })).toBeDefined();
    expect(limiter.tryAcquire({ route: edit(C1), identity: BOT })).toBeUndefined();
    // Exempt routes and other identities are not held by it.
    expect(limiter.tryAcquire({ route: callback(), identity: BOT })).toBeDefined();
    expect(limiter.tryAcquire({ route: send(C1), identity: OTHER })).toBeDefined();
    limiter.close();
  });

  it('declines when closed, when the caller is gone, and with a shared gate', () => {
    const { limiter } = setup();
    const gone = new AbortController();
    gone.abort(new Error('left'));
    expect(limiter.tryAcquire({ route: send(), identity: BOT, signal: gone.signal })).toBeUndefined();
    const gated = new MemoryLimiter({
      gate: {
        reserve: async () => ({ waitMs: 0, epoch: 0, ticket: '1' }),
        update: () => {},
        sent: () => {},
        leave: () => {},
        close: () => {},
      },
    });
    expect(gated.tryAcquire({ route: send(), identity: BOT })).toBeUndefined();
    gated.close();
    limiter.close();
    expect(limiter.tryAcquire({ route: send(), identity: BOT })).toBeUndefined();
  });
});

describe('MemoryLimiter with a shared gate', () => {
  /** A gate that answers as told and records what the limiter asked and said. */
  function scriptedGate() {
    const calls: string[] = [];
    const pending: ((answer: GateAnswer) => void)[] = [];
    let tickets = 0;
    /** The bucket key of each call, as `<call> <ticket>@<key's first part>`. */
    const keyed: string[] = [];
    const updates: GateUpdate[] = [];
    const gate: LimiterGate = {
      reserve: (request) => {
        const ticket = request.ticket ?? String(++tickets);
        calls.push(`reserve ${request.ticket ?? 'new'}`);
        keyed.push(`reserve ${request.ticket ?? 'new'}@${request.bucketKey.split('|')[0]}`);
        return new Promise((resolve) => pending.push((answer) => resolve({ ...answer, ticket })));
      },
      update: (key, _identity, update) => {
        calls.push(`update ${update.ticket}`);
        keyed.push(`update ${update.ticket}@${key.split('|')[0]}`);
        updates.push(update);
      },
      sent: (_key, ticket) => calls.push(`sent ${ticket}`),
      leave: (key, ticket) => {
        calls.push(`leave ${ticket}`);
        keyed.push(`leave ${ticket}@${key.split('|')[0]}`);
      },
      close: () => calls.push('close'),
    };
    const answer = (waitMs: number, more: Partial<GateAnswer> = {}) =>
      pending.shift()!({ waitMs, epoch: 0, ticket: '', ...more });
    return { gate, calls, keyed, updates, answer };
  }

  it('takes a ticket for each request on arrival and asks again with it as the head', async () => {
    const { gate, calls, answer } = scriptedGate();
    const { clock, limiter } = setup({ gate });
    const first = track(limiter.acquire({ route: send(), identity: BOT }));
    const second = track(limiter.acquire({ route: send(), identity: BOT }));
    expect(calls).toEqual(['reserve new', 'reserve new']);
    answer(100); // 1 waits
    answer(100); // 2 waits behind it
    await flush();
    clock.advance(100);
    expect(calls.slice(2)).toEqual(['reserve 1']); // only the head asks again
    answer(0);
    await flush();
    expect(first.permit).toBeDefined();
    expect(second.permit).toBeUndefined();
    expect(calls.slice(3)).toEqual(['reserve 2']);
    first.permit!.sent();
    first.permit!.complete(200, {});
    expect(calls.slice(4)).toEqual(['sent 1', 'update 1']);
    limiter.close();
  });

  it('gives the ticket of a caller that left back, and the place granted while it was leaving', async () => {
    const { gate, calls, answer } = scriptedGate();
    const { limiter } = setup({ gate });
    const waiting = new AbortController();
    const asking = new AbortController();
    const a = track(limiter.acquire({ route: send(), identity: BOT, signal: waiting.signal }));
    answer(100);
    await flush();
    waiting.abort(new Error('left'));
    const b = track(limiter.acquire({ route: send(C2), identity: BOT, signal: asking.signal }));
    asking.abort(new Error('left')); // before its answer came
    answer(0);
    await flush();
    expect([a.error, b.error].every((e) => e instanceof Error)).toBe(true);
    expect(calls).toEqual(['reserve new', 'leave 1', 'reserve new', 'update 2']);
    limiter.close();
  });

  it('moves a route to the shared queue of the bucket hash its answer names', async () => {
    const { gate, keyed, updates, answer } = scriptedGate();
    const { limiter } = setup({ gate });
    const probe = track(limiter.acquire({ route: send(), identity: BOT }));
    const waiting = track(limiter.acquire({ route: send(), identity: BOT }));
    answer(0);
    answer(25);
    await flush();
    probe.permit!.complete(200, limits(5, 4, 5, 'shared'));
    // The route's shared state learns the hash; the waiting ticket leaves it for the hash's queue.
    expect(updates[0]!.bucketHash).toBe('shared');
    expect(keyed).toEqual([
      'reserve new@POST /channels/:channel/messages',
      'reserve new@POST /channels/:channel/messages',
      'update 1@POST /channels/:channel/messages',
      'leave 2@POST /channels/:channel/messages',
      'reserve new@shared',
    ]);
    answer(0);
    await flush();
    expect(waiting.permit).toBeDefined();
    // Another channel of the route queues under the hash from its first request; a route whose hash
    // is not known yet, under its own key.
    track(limiter.acquire({ route: send(C2), identity: BOT }));
    track(limiter.acquire({ route: edit(), identity: BOT }));
    expect(keyed.slice(5)).toEqual([
      'reserve new@shared',
      'reserve new@PATCH /channels/:channel/messages/:id',
    ]);
    limiter.close();
  });

  it('told by the shared state that its route is in another bucket, queues there', async () => {
    const { gate, keyed, answer } = scriptedGate();
    const { limiter } = setup({ gate });
    const first = track(limiter.acquire({ route: edit(), identity: BOT }));
    const second = track(limiter.acquire({ route: edit(), identity: BOT }));
    answer(-1, { movedTo: 'shared' });
    answer(-1, { movedTo: 'shared' });
    await flush();
    expect(keyed.slice(2)).toEqual(['reserve new@shared', 'reserve new@shared']);
    expect(limiter.hashOf('PATCH /channels/:channel/messages/:id')).toBe('shared');
    answer(0);
    answer(10);
    await flush();
    expect(first.permit).toBeDefined();
    expect(second.permit).toBeUndefined();
    limiter.close();
  });
});
