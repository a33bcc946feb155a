/** `ShardManager.start(signal)`: a signal during start-up (SIGINT) stops opening shards. */
import type { Rest, RestRequest } from '@shardwire/rest';
import { describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '../sessionStore/MemorySessionStore.js';
import { FakeGateway } from '../testing/fakeGateway.js';
import { FakeBroker, FakeCache, fakeRest } from '../testing/fakes.js';
import { ShardManager } from './ShardManager.js';

const token = `${Buffer.from('1000').toString('base64')}.abc.def`;

/** Aborts start-up while shard 1 is being opened (its session is looked up). */
class AbortingStore extends MemorySessionStore {
  readonly controller = new AbortController();

  override async load(shard: number) {
    if (shard === 1) this.controller.abort('SIGINT');
    return super.load(shard);
  }
}

describe('ShardManager.start with a signal', () => {
  it('opens no shard after the abort and stops the opened ones with their sessions kept', async () => {
    const gateway = await FakeGateway.start();
    const store = new AbortingStore();
    const manager = new ShardManager({
      token,
      intents: 1,
      rest: fakeRest(gateway.url, { shards: 4, maxConcurrency: 16 }),
      broker: new FakeBroker().asBroker(),
      cache: new FakeCache().asCache(),
      sessionStore: store,
    });
    try {
      await manager.start(store.controller.signal);
      expect([...manager.shards.keys()]).toEqual([0, 1]);
      await gateway.waitFor(() => [...manager.shards.values()].every((s) => s.status === 'ready'));
      expect(manager.health().ok).toBe(false); // two of four: not the whole set
      // never ready now: waiting with the aborted signal rejects instead of waiting for ever
      await expect(manager.waitUntilReady(store.controller.signal)).rejects.toBe('SIGINT');
      await manager.stop();
      expect(gateway.identifies.map((i) => i.shard)).toEqual([
        [0, 4],
        [1, 4],
      ]);
      expect((await store.load(0))?.sessionId).toBeDefined();
      expect((await store.load(1))?.sessionId).toBeDefined();
    } finally {
      await manager.stop();
      await gateway.close();
    }
  });

  it('stops waiting for /gateway/bot when aborted, with nothing opened', async () => {
    const controller = new AbortController();
    let asked = false;
    const rest: Rest = {
      // An answer that never comes (Discord slow, or retrying): only the signal ends the wait.
      request: <T>(request: RestRequest) => {
        asked = true;
        return new Promise<T>((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason), { once: true }),
        );
      },
    };
    const store = new MemorySessionStore();
    const manager = new ShardManager({
      token,
      intents: 1,
      rest,
      broker: new FakeBroker().asBroker(),
      cache: new FakeCache().asCache(),
      sessionStore: store,
    });
    const started = manager.start(controller.signal);
    await vi.waitFor(() => expect(asked).toBe(true));
    controller.abort('SIGINT');
    await expect(started).resolves.toBeUndefined();
    expect(manager.shards.size).toBe(0);
    await manager.stop();
  });
});
