/** Resharding 4 → 8 under a `/_sim/load` of MESSAGE_CREATEs: nothing lost, nothing twice, never silent. */
import { type Envelope, shardIdOf } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ShardManager } from '../manager/ShardManager.js';
import { partitionOf } from '../reshard/partition.js';
import { DelayProxy } from '../testing/delayProxy.js';
import { stats } from '../testing/sim.js';
import { startSimWorld } from '../testing/simWorld.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LoadStatus {
  running: boolean;
  generated: number;
}

/**
 * Runs the reshard under load and checks the outcome. With `oldLagMs`, the old set's connections
 * deliver that much later than the new set's, so at the switch the new set is ahead.
 */
async function reshardUnderLoad(oldLagMs: number) {
  const { sim, received, managerOptions } = await startSimWorld(48, cleanups);
  const proxy = await DelayProxy.start(Number(new URL(sim.gatewayUrl).port), oldLagMs);
  cleanups.push(() => proxy.close());
  proxy.slow = oldLagMs > 0;
  const manager = new ShardManager({
    ...managerOptions,
    shardCount: 4,
    compression: 'zlib-stream',
    gatewayUrl: `ws://127.0.0.1:${proxy.port}`,
    reshardGraceMs: 1_000 + oldLagMs,
  });
  cleanups.push(() => manager.stop());
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
  await vi.waitFor(() => expect(received.some((r) => r.envelope.t === 'MESSAGE_CREATE')).toBe(true));
  const loadStart = received.find((r) => r.envelope.t === 'MESSAGE_CREATE')!.at;
  await new Promise((resolve) => setTimeout(resolve, 500));
  proxy.slow = false; // the new set connects without the lag
  const result = await manager.reshard(8);
  expect(result).toMatchObject({ from: 4, to: 8, missingGuilds: [] });
  expect(phases).toEqual(['started', 'switched', 'done']);
  expect(manager.shardCount).toBe(8);
  expect([...manager.shards.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

  let status: LoadStatus | undefined;
  await vi.waitFor(
    async () => {
      status = (await (await fetch(`${sim.url}/_sim/load`)).json()) as LoadStatus;
      expect(status.running).toBe(false);
    },
    { timeout: 15_000, interval: 200 },
  );
  const generated = status!.generated;
  const messages = () => received.filter((r) => r.envelope.t === 'MESSAGE_CREATE');
  const messageIds = () => new Set(messages().map((r) => (r.envelope.d as { id: string }).id));
  await vi.waitFor(() => expect(messageIds().size).toBe(generated), { timeout: 10_000 });

  // Nothing lost: every generated message reached the broker. Nothing twice after deduping
  // redeliveries by envelope id: each message id exactly once.
  const unique = new Map<string, Envelope>();
  for (const { envelope } of messages()) unique.set(envelope.id, envelope);
  const perMessage = new Map<string, Envelope[]>();
  for (const envelope of unique.values()) {
    const id = (envelope.d as { id: string }).id;
    perMessage.set(id, [...(perMessage.get(id) ?? []), envelope]);
  }
  expect(perMessage.size).toBe(generated);
  expect([...perMessage.values()].filter((list) => list.length > 1)).toEqual([]);

  // Both sets published: envelopes of a guild on its shard under 4, then under 8.
  const byCount = { 4: 0, 8: 0, other: 0 };
  for (const envelope of unique.values()) {
    const guild = envelope.guildId!;
    expect(envelope.partition).toBe(partitionOf(guild, 1024));
    if (envelope.shard === shardIdOf(guild, 8) && envelope.shard === shardIdOf(guild, 4)) continue;
    if (envelope.shard === shardIdOf(guild, 4)) byCount[4]++;
    else if (envelope.shard === shardIdOf(guild, 8)) byCount[8]++;
    else byCount.other++;
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
    expect(s.shards).toHaveLength(8);
    expect(s.shards.every((x) => Array.isArray(x.shard) && x.shard[1] === 8)).toBe(true);
  });
  return { result, generated };
}

describe('resharding against the simulator', () => {
  it('4 → 8 shards under load: every message once, some shard publishing at every moment', async () => {
    const { generated } = await reshardUnderLoad(0);
    expect(generated).toBeGreaterThan(1_000);
  }, 60_000);

  it('4 → 8 with the old set 300 ms behind: the new set publishes what it held that the old had not', async () => {
    const { result } = await reshardUnderLoad(300);
    expect(result.releasedAtSwitch).toBeGreaterThan(0);
  }, 60_000);
});
