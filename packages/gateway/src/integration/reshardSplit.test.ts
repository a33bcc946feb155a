/**
 * Two gateway managers splitting one bot (`SHARD_IDS` 0-3 and 4-7 of 8, as two processes would:
 * their own Redis identify connections, one broker) reshard together to 16 under a `/_sim/load`:
 * each keeps its own guilds (new shards { s < 16 : s % 8 in its ids }), every message is published
 * once, some shard publishes at every moment, and the identifies stay within the bucket limit.
 */
import { randomUUID } from 'node:crypto';
import type { Broker } from '@shardwire/broker';
import { recordingLogger } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisIdentifyThrottler } from '../identify/RedisIdentifyThrottler.js';
import { ShardManager, type ShardManagerOptions } from '../manager/ShardManager.js';
import { MemorySessionStore } from '../sessionStore/MemorySessionStore.js';
import type { SessionStore } from '../sessionStore/SessionStore.js';
import { testRedis } from '../testing/redis.js';
import { expectReshardedLoad, startMessageLoad } from '../testing/reshardLoad.js';
import { stats } from '../testing/sim.js';
import { startSimWorld } from '../testing/simWorld.js';

const redisUrl = process.env.REDIS_URL;
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface SplitOptions {
  shardCount?: number;
  /** The shards of each process; default: the first half and the second half. */
  shardIds?: (half: number, shardCount: number) => number[];
  waitReady?: boolean;
  reshardIntervalMs?: number;
  /** Options of the process owning the first half (0) or the second (1). */
  perProcess?: (
    half: number,
    shared: { broker: Broker; sessionStore: SessionStore },
  ) => Partial<ShardManagerOptions>;
}

/** `broker`, except that its responders hear nothing more once a reshard's `switch` arrived. */
function deafFromSwitchOn(broker: Broker): Broker {
  let deaf = false;
  return new Proxy(broker, {
    get(target, property) {
      if (property === 'respond') {
        return (subject: string, handler: (message: { type?: string }) => unknown) =>
          target.respond(subject, (message: { type?: string }) => {
            if (message.type === 'switch') deaf = true;
            // A responder that throws gives no reply, as one that is unreachable.
            if (deaf) throw new Error('cut off');
            return handler(message);
          });
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** `store`, its layout writes delayed by `ms` (a slow or stuck session store at the switch). */
function withSlowLayoutWrites(store: SessionStore, ms: number): SessionStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'saveLayout') {
        return async (...args: Parameters<SessionStore['saveLayout']>) => {
          await new Promise((resolve) => setTimeout(resolve, ms));
          return target.saveLayout(...args);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function splitBot(
  guilds: number,
  {
    shardCount = 8,
    shardIds = (half, count) => Array.from({ length: count / 2 }, (_, i) => (half * count) / 2 + i),
    waitReady = true,
    reshardIntervalMs = 0,
    perProcess,
  }: SplitOptions = {},
) {
  const { sim, received, managerOptions } = await startSimWorld(guilds, cleanups);
  const keyPrefix = `test:${randomUUID()}`;
  // One store, as the processes of a bot share one Redis session store.
  const sessionStore = new MemorySessionStore();
  const managers = [0, 1].map((half) => {
    const redis = testRedis(redisUrl!, keyPrefix, cleanups);
    const manager = new ShardManager({
      ...managerOptions,
      sessionStore,
      shardCount,
      shardIds: shardIds(half, shardCount),
      reshardGraceMs: 1_000,
      reshardIntervalMs,
      // The simulator's identify window is scaled to 50 ms; the shared buckets keep 150 ms, the margin
      // covering the time from a bucket's grant to the IDENTIFY's arrival on a busy machine.
      identifyThrottler: (limit) => new RedisIdentifyThrottler({ redis, keyPrefix, limit, intervalMs: 150 }),
      ...perProcess?.(half, { ...managerOptions, sessionStore }),
    });
    cleanups.push(() => manager.stop());
    return manager;
  });
  await Promise.all(managers.map((m) => m.start()));
  if (waitReady) await Promise.all(managers.map((m) => m.waitUntilReady()));
  return { sim, received, managers: managers as [ShardManager, ShardManager], sessionStore };
}

type SplitBot = Awaited<ReturnType<typeof splitBot>>;

/**
 * After a reshard from 8 to `to` under the load started at `loadStart`: each process runs `ids`, the
 * layout is stored, every message was published once, and (with `identifies`) the simulator counted
 * that many IDENTIFYs, none refused by its max_concurrency buckets.
 */
async function expectSplitResharded(
  { sim, received, managers, sessionStore }: SplitBot,
  loadStart: number,
  to: number,
  ids: [number[], number[]],
  identifies?: number,
) {
  expect(managers.map((m) => [...m.shards.keys()])).toEqual(ids);
  expect(await sessionStore.loadLayout()).toEqual({ shardCount: to, generation: 1 });
  const { generated } = await expectReshardedLoad(sim, received, loadStart, { from: 8, to });
  expect(generated).toBeGreaterThan(2_000);
  if (identifies === undefined) return;
  const s = await stats(sim);
  expect(s.identifies).toBe(identifies);
  expect((s as { refusedIdentifies?: Record<string, number> }).refusedIdentifies).toEqual({});
}

/** The reshard phases each manager goes through, in order. */
function recordPhases(managers: readonly ShardManager[]): string[][] {
  const phases = managers.map(() => [] as string[]);
  for (const [i, m] of managers.entries()) m.on('reshard', (phase) => phases[i]!.push(phase));
  return phases;
}

/**
 * a coordinates 8 -> 16 under a 400 messages/s load of `loadSeconds` while b hears nothing from the
 * switch on: a reports b as unfinished; resolves once b's reshard is done (30 s at most after).
 */
async function reshardWithDeafB({ sim, received, managers }: SplitBot, loadSeconds: number) {
  const [a, b] = managers;
  const phases = recordPhases(managers);
  const bDone = new Promise<void>((resolve) => b.on('reshard', (phase) => phase === 'done' && resolve()));
  const loadStart = await startMessageLoad(sim, received, { eventsPerSecond: 400, seconds: loadSeconds });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await expect(a.reshard(16)).rejects.toThrow(
    /reshard incomplete after the switch: process .* stopped answering/,
  );
  await Promise.race([
    bDone,
    new Promise((_, reject) => setTimeout(() => reject(new Error('b did not finish in 30 s')), 30_000)),
  ]);
  return { phases, loadStart };
}

describe.skipIf(!redisUrl)('resharding a bot split over two processes', () => {
  it('4 + 4 of 8 -> 8 + 8 of 16 under load: every message once, never silent, identifies within the limit', async () => {
    const bot = await splitBot(96);
    const { sim, received, managers } = bot;
    const b = managers[1];
    const phases = recordPhases(managers);

    const loadStart = await startMessageLoad(sim, received, { eventsPerSecond: 400, seconds: 8 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    // Asked of one process; the other follows through the broker.
    const result = await b.reshard(16);
    expect(result).toMatchObject({ from: 8, to: 16, missingGuilds: [] });
    expect(phases).toEqual([
      ['started', 'switched', 'done'],
      ['started', 'switched', 'done'],
    ]);
    expect(managers.map((m) => m.shardCount)).toEqual([16, 16]);
    // 8 identifies at the start and 16 for the reshard.
    await expectSplitResharded(
      bot,
      loadStart,
      16,
      [
        [0, 1, 2, 3, 8, 9, 10, 11],
        [4, 5, 6, 7, 12, 13, 14, 15],
      ],
      24,
    );
  }, 60_000);

  it('a process cut off from the coordinator at the switch switches on the stored layout: both end on 16', async () => {
    // b no longer hears the coordinator (a) from its 'switch' on, as if its broker connection
    // dropped then; its part is loaded, and the layout a stored before switching tells it to switch.
    const bot = await splitBot(96, {
      perProcess: (half, { broker }) =>
        half === 1 ? { broker: deafFromSwitchOn(broker), reshardCoordinatorTimeoutMs: 3_000 } : {},
    });
    const { phases, loadStart } = await reshardWithDeafB(bot, 10);
    expect(phases).toEqual([
      ['started', 'switched', 'done'],
      ['started', 'switched', 'done'],
    ]);
    await expectSplitResharded(bot, loadStart, 16, [
      [0, 1, 2, 3, 8, 9, 10, 11],
      [4, 5, 6, 7, 12, 13, 14, 15],
    ]);
  }, 90_000);

  it('a process that gave up its part follows alone when the layout is stored late: both end on 16', async () => {
    // The coordinator (a) writes the layout 8 s after the switch went out; b, deaf from 'switch'
    // on, gives up its part after 3 s of silence, then finds the layout on a later look and
    // reshards its own shards alone (identifying them anew).
    const bot = await splitBot(96, {
      perProcess: (half, { broker, sessionStore }) =>
        half === 0
          ? { sessionStore: withSlowLayoutWrites(sessionStore, 8_000) }
          : { broker: deafFromSwitchOn(broker), reshardCoordinatorTimeoutMs: 3_000 },
    });
    const { phases, loadStart } = await reshardWithDeafB(bot, 20);
    // b: its part failed, then its own reshard.
    expect(phases).toEqual([
      ['started', 'switched', 'done'],
      ['started', 'failed', 'started', 'switched', 'done'],
    ]);
    await expectSplitResharded(bot, loadStart, 16, [
      [0, 1, 2, 3, 8, 9, 10, 11],
      [4, 5, 6, 7, 12, 13, 14, 15],
    ]);
  }, 90_000);

  it('even and odd shards of 8 -> of 12 under load: each keeps its guilds, every message once', async () => {
    // Not a multiple: a guild's shard modulo gcd(8, 12) = 4 is the same under both counts, and each
    // process runs whole classes modulo 4 ({0, 4} and {2, 6}; {1, 5} and {3, 7}), so each one's new
    // shards get exactly its own guilds, and the overlap's dedupe stays inside each process.
    const bot = await splitBot(96, {
      shardIds: (half, count) => Array.from({ length: count / 2 }, (_, i) => 2 * i + half),
    });
    const { sim, received, managers } = bot;
    const loadStart = await startMessageLoad(sim, received, { eventsPerSecond: 400, seconds: 8 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await managers[1].reshard(12);
    expect(result).toMatchObject({ from: 8, to: 12, missingGuilds: [] });
    await expectSplitResharded(
      bot,
      loadStart,
      12,
      [
        [0, 2, 4, 6, 8, 10],
        [1, 3, 5, 7, 9, 11],
      ],
      20,
    );
  }, 60_000);

  it('checks that the processes run every shard once: two both on 0-3 of 8 log it, a sound split does not', async () => {
    const recorders = [0, 1].map(() => recordingLogger('gateway', 'error'));
    const errors = () => recorders.flatMap((r) => r.messages());
    const layoutOk = async (manager: ShardManager) =>
      (await manager.metrics.splitLayoutOk.get()).values[0]?.value;
    const wrong = await splitBot(16, {
      shardIds: () => [0, 1, 2, 3],
      perProcess: (half) => ({ logger: recorders[half]!.logger, splitCheckIntervalMs: 200 }),
    });
    await vi.waitFor(() => expect(errors().length).toBeGreaterThan(1), { timeout: 5_000 });
    expect(errors()).toContain(
      'the processes splitting this bot do not run its shards once each: shards 0, 1, 2, 3 are run by more than one process; no running process answered for shards 4, 5, 6, 7 of 8',
    );
    expect(await Promise.all(wrong.managers.map(layoutOk))).toEqual([0, 0]);

    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    for (const recorder of recorders) recorder.lines.length = 0;
    const sound = await splitBot(16, {
      perProcess: (half) => ({ logger: recorders[half]!.logger, splitCheckIntervalMs: 200 }),
    });
    await vi.waitFor(async () => expect(await Promise.all(sound.managers.map(layoutOk))).toEqual([1, 1]), {
      timeout: 5_000,
    });
    expect(errors()).toEqual([]);
  }, 30_000);

  it("refuses a count that would mix the processes' guilds, and a reshard another process already runs", async () => {
    const { managers } = await splitBot(16);
    const [a, b] = managers;
    await expect(a.reshard(12)).rejects.toThrow(
      /12 shards: shards 0 and 4 of the 8 running are run by different processes .*: 16, …/,
    );
    const first = a.reshard(16);
    await expect(b.reshard(16)).rejects.toThrow(/already under way/);
    await first;
    expect(managers.map((m) => m.shardCount)).toEqual([16, 16]);
  }, 30_000);

  it('a process that fails before the switch aborts the reshard everywhere: both keep 8', async () => {
    const { sim, managers } = await splitBot(16);
    const [a, b] = managers;
    const phases: string[] = [];
    a.on('reshard', (phase) => phases.push(phase));
    // b's part fails as soon as it starts: it stops (its own reshard is aborted as on a stop).
    b.on('reshard', (phase) => phase === 'started' && void b.stop());
    await expect(a.reshard(16)).rejects.toThrow(
      /reshard aborted: .*(stopping|stopped answering|lost the reshard)/,
    );
    expect(phases).toEqual(['started', 'failed']);
    expect(a.shardCount).toBe(8);
    expect([...a.shards.keys()]).toEqual([0, 1, 2, 3]);
    // No session of the aborted 16-shard set is left open.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const live = (await stats(sim)).shards.filter((x) => Array.isArray(x.shard) && x.shard[1] === 16);
    expect(live).toEqual([]);
  }, 30_000);

  it("the timer on shard 0's owner reshards both processes to the recommendation rounded up to a multiple", async () => {
    // 2,500 guilds: Discord recommends 3 shards; 2 run, so both go to 4.
    const { managers } = await splitBot(2_500, { shardCount: 2, reshardIntervalMs: 500 });
    await Promise.all(
      managers.map(
        (m) => new Promise<void>((resolve) => m.on('reshard', (phase) => phase === 'done' && resolve())),
      ),
    );
    expect(managers.map((m) => m.shardCount)).toEqual([4, 4]);
    expect(managers.map((m) => [...m.shards.keys()])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  }, 60_000);

  it('close 4011 (2,550 guilds a shard) reshards both processes to the recommendation rounded to a multiple', async () => {
    const { sim, managers } = await splitBot(5_100, { shardCount: 2, waitReady: false });
    const done = managers.map(
      (m) => new Promise<void>((resolve) => m.on('reshard', (phase) => phase === 'done' && resolve())),
    );
    await Promise.all(done);
    // Discord recommends 6 (one per 1,000 guilds): a multiple of 2 already.
    expect(managers.map((m) => m.shardCount)).toEqual([6, 6]);
    expect(managers.map((m) => [...m.shards.keys()])).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
    await Promise.all(managers.map((m) => m.waitUntilReady()));
    expect((await stats(sim)).shards).toHaveLength(6);
  }, 60_000);
});
