/** Resharding 4 → 8 under a `/_sim/load` of MESSAGE_CREATEs: nothing lost, nothing twice, never silent. */
import { afterEach, describe, expect, it } from 'vitest';
import { ShardManager } from '../manager/ShardManager.js';
import { DelayProxy } from '../testing/delayProxy.js';
import { expectReshardedLoad, startMessageLoad } from '../testing/reshardLoad.js';
import { startSimWorld } from '../testing/simWorld.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

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

  const loadStart = await startMessageLoad(sim, received, { eventsPerSecond: 400, seconds: 6 });
  await new Promise((resolve) => setTimeout(resolve, 500));
  proxy.slow = false; // the new set connects without the lag
  const result = await manager.reshard(8);
  expect(result).toMatchObject({ from: 4, to: 8, missingGuilds: [] });
  expect(phases).toEqual(['started', 'switched', 'done']);
  expect(manager.shardCount).toBe(8);
  expect([...manager.shards.keys()]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

  const { generated } = await expectReshardedLoad(sim, received, loadStart, { from: 4, to: 8 });
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
