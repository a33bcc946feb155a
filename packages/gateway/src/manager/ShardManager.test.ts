import { Registry } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '../sessionStore/MemorySessionStore.js';
import { FakeGateway } from '../testing/fakeGateway.js';
import { FakeBroker, FakeCache, fakeRest } from '../testing/fakes.js';
import { ShardManager, type ShardManagerOptions } from './ShardManager.js';

const token = `${Buffer.from('1000').toString('base64')}.abc.def`;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<ShardManagerOptions> = {}, shards = 2) {
  const gateway = await FakeGateway.start();
  const broker = new FakeBroker();
  const cache = new FakeCache();
  const store = new MemorySessionStore();
  const registry = new Registry();
  const make = () =>
    new ShardManager({
      token,
      intents: 1,
      rest: fakeRest(gateway.url, { shards, maxConcurrency: 16 }),
      broker: broker.asBroker(),
      cache: cache.asCache(),
      sessionStore: store,
      metrics: registry,
      ...options,
    });
  const manager = make();
  cleanups.push(() => gateway.close());
  cleanups.push(() => manager.stop());
  return { gateway, broker, cache, store, manager, make, registry };
}

describe('ShardManager', () => {
  it('starts the recommended shards, applies each dispatch to the cache and publishes it', async () => {
    const { gateway, broker, cache, manager, store, registry } = await setup();
    const progress: number[] = [];
    manager.on('progress', (ready) => progress.push(ready));
    await manager.start();
    await manager.waitUntilReady();
    expect(manager.health()).toEqual({ ok: true, shards: { 0: 'ready', 1: 'ready' } });
    expect(progress).toEqual([1, 2]);
    expect(gateway.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    gateway.dispatch(1, 'GUILD_CREATE', { id: '555', name: 'g' });
    await gateway.waitFor(() => broker.published.length === 3);
    const guild = broker.published.find((p) => p.body.t === 'GUILD_CREATE')!;
    expect(guild.routingKey).toBe('events.GUILD_CREATE');
    expect(guild.body.guildId).toBe('555');
    expect(guild.body.bot).toBe('1000');
    expect(guild.body.id).toMatch(/^1000:1:session-\d:2$/);
    expect(cache.applied.filter((a) => a.t === 'GUILD_CREATE')).toEqual([{ t: 'GUILD_CREATE', shard: 1 }]);
    await manager.stop();
    expect((await store.load(1))?.seq).toBe(2);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/shardwire_gateway_events_total\{type="GUILD_CREATE"\} 1/);
    expect(metrics).toMatch(/shardwire_gateway_identifies_total 2/);
  });

  it('owns only the given shard ids', async () => {
    const { gateway, manager } = await setup({ shardIds: [3], shardCount: 4 });
    await manager.start();
    await manager.waitUntilReady();
    expect(gateway.identifies.map((i) => i.shard)).toEqual([[3, 4]]);
    await expect(setup({ shardIds: [4], shardCount: 4 }).then((s) => s.manager.start())).rejects.toThrow(
      'shard id 4 is outside 0..3',
    );
  });

  it('resumes from the session store after a restart, with the last confirmed seq', async () => {
    const { gateway, broker, manager, make } = await setup({}, 1);
    await manager.start();
    await manager.waitUntilReady();
    gateway.dispatch(0, 'MESSAGE_CREATE', { id: 'a' });
    await gateway.waitFor(() => broker.published.length === 2);
    await manager.stop();
    // Events while no gateway runs are kept by Discord and replayed on RESUME.
    gateway.dispatch(0, 'MESSAGE_CREATE', { id: 'b' }, { lost: true });
    const second = make();
    cleanups.push(() => second.stop());
    await second.start();
    await second.waitUntilReady();
    await gateway.waitFor(() => broker.published.length === 4);
    expect(gateway.identifies).toHaveLength(1);
    expect(gateway.resumes).toEqual([{ sessionId: 'session-1', seq: 2 }]);
    expect(broker.published.map((p) => [p.body.t, p.body.seq])).toEqual([
      ['READY', 1],
      ['MESSAGE_CREATE', 2],
      ['MESSAGE_CREATE', 3],
      ['RESUMED', 4],
    ]);
  });

  it('stores only a seq the broker confirmed', async () => {
    const { gateway, broker, manager, store } = await setup({}, 1);
    await manager.start();
    await manager.waitUntilReady();
    await vi.waitFor(async () => expect((await store.load(0))?.seq).toBe(1));
    let open!: () => void;
    const held = new Promise<void>((resolve) => {
      open = resolve;
    });
    broker.gate = () => held;
    gateway.dispatch(0, 'MESSAGE_CREATE', { id: 'held' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await store.load(0))?.seq).toBe(1);
    open();
    await gateway.waitFor(() => broker.published.length === 2);
    await vi.waitFor(async () => expect((await store.load(0))?.seq).toBe(2));
  });

  it('sends gateway commands from the broker on their shard and refuses bad ones', async () => {
    const { gateway, broker, manager } = await setup({}, 2);
    await manager.start();
    await manager.waitUntilReady();
    await broker.deliver('gateway.commands.1', {
      type: 'request_guild_members',
      shard: 1,
      data: { guild_id: '9', query: '', limit: 0, nonce: 'n1' },
    });
    const conn = gateway.open.find((c) => c.shard?.[0] === 1)!;
    await gateway.waitFor(() => conn.received.some((p) => p.op === 8));
    expect(conn.received.find((p) => p.op === 8)!.d).toEqual({
      guild_id: '9',
      query: '',
      limit: 0,
      nonce: 'n1',
    });
    await expect(broker.deliver('gateway.commands.1', { type: 'nope', shard: 1 })).rejects.toThrow(
      'not a gateway command',
    );
    await expect(
      broker.deliver('gateway.commands.1', { type: 'presence_update', shard: 0, data: {} }),
    ).rejects.toThrow('arrived on shard 1');
  });
});
