/** Resharding 4 → 8 under a `/_sim/load` of MESSAGE_CREATEs: nothing lost, nothing twice, never silent. */
import { MemoryBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { createLogger, type Envelope, shardIdOf } from '@shardwire/core';
import { RestClient } from '@shardwire/rest';
import { startSimulator } from '@shardwire/simulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryIdentifyThrottler } from '../identify/MemoryIdentifyThrottler.js';
import { ShardManager } from '../manager/ShardManager.js';
import { partitionOf } from '../reshard/partition.js';
import { stats } from '../testing/sim.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LoadStatus {
  running: boolean;
  generated: number;
}

describe('resharding against the simulator', () => {
  it('4 → 8 shards under load: every message once, some shard publishing at every moment', async () => {
    const sim = await startSimulator({
      port: 0,
      guilds: 48,
      heartbeatIntervalMs: 2_000,
      limitScale: 0.01,
      logger: createLogger({ name: 'simulator', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    const broker = new MemoryBroker();
    cleanups.push(() => broker.close());
    const cache = await createCache('memory:');
    cleanups.push(() => cache.close());
    const rest = new RestClient({ token: sim.defaultBot.token, baseUrl: `${sim.url}/api` });
    cleanups.push(() => rest.close());
    const received: { envelope: Envelope; at: number }[] = [];
    await broker.consume<Envelope>('test', 'events.#', (delivery) => {
      received.push({ envelope: delivery.body, at: Date.now() });
    });
    const manager = new ShardManager({
      token: sim.defaultBot.token,
      intents: 513,
      rest,
      broker,
      cache,
      shardCount: 4,
      compression: 'zlib-stream',
      identifyThrottler: (limit, { clock }) => new MemoryIdentifyThrottler({ limit, clock, intervalMs: 60 }),
      reshardGraceMs: 1_000,
    });
    cleanups.push(() => manager.stop());
    // Which sets publish at each moment: the old one until `done`, the new one from `switched`.
    const phases: string[] = [];
    manager.on('reshard', (phase) => phases.push(phase));
    await manager.start();
    await manager.waitUntilReady();

    const load = await fetch(`${sim.url}/_sim/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventsPerSecond: 400, seconds: 6, mix: { MESSAGE_CREATE: 1 } }),
    });
    expect(load.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const loadStart = received.find((r) => r.envelope.t === 'MESSAGE_CREATE')!.at;
    const result = await manager.reshard(8);
    expect(result).toMatchObject({ from: 4, to: 8, missingGuilds: [] });
    expect(phases).toEqual(['started', 'switched', 'done']);
    expect(manager.shardCount).toBe(8);
    expect([...manager.shards.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    let status: LoadStatus;
    await vi.waitFor(
      async () => {
        status = (await (await fetch(`${sim.url}/_sim/load`)).json()) as LoadStatus;
        expect(status.running).toBe(false);
      },
      { timeout: 15_000, interval: 200 },
    );
    const messages = () => received.filter((r) => r.envelope.t === 'MESSAGE_CREATE');
    await vi.waitFor(
      () =>
        expect(new Set(messages().map((r) => (r.envelope.d as { id: string }).id)).size).toBe(
          status.generated,
        ),
      {
        timeout: 10_000,
      },
    );

    // Nothing lost: every generated message reached the broker. Nothing twice after deduping
    // redeliveries by envelope id: each message id exactly once.
    const unique = new Map<string, Envelope>();
    for (const { envelope } of messages()) unique.set(envelope.id, envelope);
    const perMessage = new Map<string, Envelope[]>();
    for (const envelope of unique.values()) {
      const id = (envelope.d as { id: string }).id;
      perMessage.set(id, [...(perMessage.get(id) ?? []), envelope]);
    }
    expect(perMessage.size).toBe(status!.generated);
    expect([...perMessage.values()].filter((list) => list.length > 1)).toEqual([]);

    // Both sets published: envelopes of a guild on its shard under 4, then under 8.
    const byCount = { 4: 0, 8: 0, other: 0 };
    for (const envelope of unique.values()) {
      const guild = envelope.guildId!;
      if (envelope.shard === shardIdOf(guild, 8) && envelope.shard === shardIdOf(guild, 4)) continue;
      if (envelope.shard === shardIdOf(guild, 4)) byCount[4]++;
      else if (envelope.shard === shardIdOf(guild, 8)) byCount[8]++;
      else byCount.other++;
      expect(envelope.partition).toBe(partitionOf(guild, 1024));
    }
    expect(byCount[4]).toBeGreaterThan(0);
    expect(byCount[8]).toBeGreaterThan(0);
    expect(byCount.other).toBe(0);

    // Never silent: under 400 messages/s, no gap between two received messages reaches a second.
    const times = messages()
      .map((r) => r.at)
      .filter((at) => at >= loadStart)
      .sort((a, b) => a - b);
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
    expect(gap).toBeLessThan(1_000);

    // The old sessions are gone from the simulator: 8 live sessions, of 8 shards.
    await vi.waitFor(async () => {
      const s = await stats(sim);
      expect(s.shards.map((x) => x.shard).filter((x) => Array.isArray(x) && x[1] === 8)).toHaveLength(8);
      expect(s.shards).toHaveLength(8);
    });
  }, 60_000);
});
