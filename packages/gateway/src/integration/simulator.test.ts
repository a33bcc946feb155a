/** The ShardManager against the simulator, with the memory broker, the memory cache and RestClient. */
import { shardIdOf } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShardManager } from '../manager/ShardManager.js';
import { expectNothingLost, postMessage, stats, textChannels } from '../testing/sim.js';
import { startSimWorld } from '../testing/simWorld.js';
import { TcpProxy } from '../testing/tcpProxy.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { guilds: number; shards: number; proxy?: boolean }) {
  const world = await startSimWorld(options.guilds, cleanups);
  let proxy: TcpProxy | undefined;
  if (options.proxy) {
    proxy = await TcpProxy.start(Number(new URL(world.sim.gatewayUrl).port));
    cleanups.push(() => proxy!.close());
  }
  const manager = new ShardManager({
    ...world.managerOptions,
    shardCount: options.shards,
    compression: 'zlib-stream',
    ...(proxy ? { gatewayUrl: `ws://127.0.0.1:${proxy.port}` } : {}),
  });
  cleanups.push(() => manager.stop());
  return { ...world, manager, received: world.envelopes, proxy };
}

describe('ShardManager against the simulator', () => {
  it('brings up 4 shards: READY, every guild in the cache and its GUILD_CREATE in the broker', async () => {
    const { sim, cache, manager, received } = await setup({ guilds: 40, shards: 4 });
    await manager.start();
    await manager.waitUntilReady();
    await vi.waitFor(async () => expect(await cache.guildCount()).toBe(40), { timeout: 10_000 });
    const creates = received.filter((e) => e.t === 'GUILD_CREATE');
    await vi.waitFor(() => expect(received.filter((e) => e.t === 'GUILD_CREATE')).toHaveLength(40));
    for (const envelope of creates) {
      expect(envelope.shard).toBe(shardIdOf(envelope.guildId as never, 4));
      expect(envelope.bot).toBe(sim.defaultBot.id);
    }
    expect(
      received
        .filter((e) => e.t === 'READY')
        .map((e) => e.shard)
        .sort(),
    ).toEqual([0, 1, 2, 3]);
    const s = await stats(sim);
    expect(s.identifies).toBe(4);
    expect(manager.health().ok).toBe(true);
  });

  it('resumes after network drops under load and loses no event', async () => {
    const { sim, manager, received, proxy } = await setup({ guilds: 8, shards: 2, proxy: true });
    await manager.start();
    await manager.waitUntilReady();
    const channels = await textChannels(sim);
    const posted: string[] = [];
    let dropped = 0;
    const post = async () =>
      posted.push(...(await Promise.all(channels.map((c) => postMessage(sim, c, 'm')))));
    for (let round = 0; round < 5; round++) {
      await post();
      dropped += proxy!.dropAll();
      await post();
    }
    expect(dropped).toBeGreaterThan(0);
    await vi.waitFor(
      () => expect(received.filter((e) => e.t === 'MESSAGE_CREATE')).toHaveLength(posted.length),
      {
        timeout: 15_000,
      },
    );
    await manager.waitUntilReady();
    const s = await stats(sim);
    expect(s.identifies).toBe(2);
    expect(s.resumes).toBeGreaterThan(0);
    await expectNothingLost(sim, received);
    const ids = new Set(
      received.filter((e) => e.t === 'MESSAGE_CREATE').map((e) => (e.d as { id: string }).id),
    );
    expect([...ids].sort()).toEqual([...posted].sort());
  });

  it('sends REQUEST_GUILD_MEMBERS from the broker and publishes the chunk with its nonce', async () => {
    const { sim, broker, manager, received } = await setup({ guilds: 2, shards: 1 });
    await manager.start();
    await manager.waitUntilReady();
    const guild = ((await (await fetch(`${sim.url}/_sim/guilds`)).json()) as { id: string }[])[0]!;
    await broker.publish('gateway.commands.0', {
      type: 'request_guild_members',
      shard: 0,
      data: { guild_id: guild.id, query: 'a', limit: 10, nonce: 'n-42' },
    });
    await vi.waitFor(() =>
      expect(
        received.find((e) => e.t === 'GUILD_MEMBERS_CHUNK' && (e.d as { nonce?: string }).nonce === 'n-42'),
      ).toBeDefined(),
    );
  });

  describe('faults from /_sim/shards/:id', () => {
    const fault = async (sim: { url: string }, shard: number, name: string, body?: unknown) => {
      const response = await fetch(`${sim.url}/_sim/shards/${shard}/${name}`, {
        method: 'POST',
        ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
      });
      expect(response.status).toBe(200);
    };

    it.each([
      ['disconnect', undefined, 'resume'],
      ['reconnect', undefined, 'resume'],
      ['zombie', undefined, 'resume'],
      ['invalidate', { resumable: true }, 'resume'],
      ['invalidate', { resumable: false }, 'identify'],
    ])('%s %j: the shard comes back by %s and loses no event', async (name, body, expected) => {
      const { sim, manager, received } = await setup({ guilds: 4, shards: 2 });
      await manager.start();
      await manager.waitUntilReady();
      const reasons: string[] = [];
      manager.shards.get(1)!.on('reconnect', (_action, reason) => reasons.push(reason));
      const channels = await textChannels(sim);
      const posted = await Promise.all(channels.map((c) => postMessage(sim, c, 'before')));
      const missing = () => {
        const ids = new Set(
          received.filter((e) => e.t === 'MESSAGE_CREATE').map((e) => (e.d as { id: string }).id),
        );
        return posted.filter((id) => !ids.has(id));
      };
      await vi.waitFor(() => expect(missing()).toEqual([]));
      await fault(sim, 1, name, body);
      const during = await Promise.all(channels.map((c) => postMessage(sim, c, 'during')));
      // After a non-resumable INVALID_SESSION Discord keeps nothing: events in between are gone by design.
      if (expected === 'resume') posted.push(...during);
      for (let waited = 0; ; waited += 20) {
        const ready = manager.shards.get(1)!.status === 'ready';
        const back = expected === 'resume' ? reasons.length > 0 : (await stats(sim)).identifies === 3;
        if (ready && back) break;
        if (waited > 15_000) throw new Error(`shard 1 did not come back by ${expected}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      posted.push(...(await Promise.all(channels.map((c) => postMessage(sim, c, 'after')))));
      await vi.waitFor(() => expect(missing()).toEqual([]));
      const s = await stats(sim);
      if (expected === 'resume') {
        expect(s.identifies).toBe(2);
        expect(s.resumes).toBe(1);
        await expectNothingLost(sim, received);
      } else {
        expect(s.identifies).toBe(3);
      }
      if (name === 'zombie') expect(reasons).toContain('zombie connection (no heartbeat ACK)');
    });
  });
});
