/** The gateway service resharding on demand (`POST /reshard`) and on close 4011, against the simulator. */
import { type Envelope, loadConfig, Registry, recordingLogger } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gatewaySettings } from '../config.js';
import { ShardManager } from '../manager/ShardManager.js';
import { startGatewayService } from '../service.js';
import { reshardOverHttp } from '../testing/reshardLoad.js';
import { stats } from '../testing/sim.js';
import { startSimWorld } from '../testing/simWorld.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(guilds: number, shards: number, env: Record<string, string> = {}) {
  const { sim, broker, cache, rest, received: records } = await startSimWorld(guilds, cleanups);
  // Every shard in the first identify bucket, so the throttler's real 5 s interval never applies.
  await fetch(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ maxConcurrency: 16 }),
  });
  const envelopes = (): Envelope[] => records.map((r) => r.envelope);
  const config = loadConfig(gatewaySettings, {
    env: {
      DISCORD_TOKEN: sim.defaultBot.token,
      SHARD_COUNT: String(shards),
      GATEWAY_PORT: '0',
      GATEWAY_INTENTS: '513',
      RESHARD_GRACE_MS: '200',
      ...env,
    },
  });
  const { logger, messages: warnings } = recordingLogger('gateway');
  const service = await startGatewayService(config, {
    broker,
    cache,
    rest,
    logger,
    registry: new Registry(),
  });
  cleanups.push(() => service.close());
  return { sim, service, envelopes, warnings };
}

describe('gateway service resharding', () => {
  it('POST /reshard moves 2 shards to 4; GET /reshard reports it', async () => {
    const { sim, service, envelopes } = await start(16, 2);
    await service.manager.waitUntilReady();
    await reshardOverHttp(service.url, 4, 20_000);
    expect(service.manager.health().ok).toBe(true);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/shardwire_gateway_reshards_total\{outcome="done"\} 1/);
    expect(metrics).toMatch(/shardwire_gateway_reshard_phase 0/);
    expect(metrics).toMatch(/shardwire_gateway_reshard_held 0/);
    expect((await stats(sim)).shards).toHaveLength(4);
    // The new set's READY and snapshot GUILD_CREATEs are not published again.
    expect(envelopes().filter((e) => e.t === 'GUILD_CREATE')).toHaveLength(16);
    expect(
      envelopes()
        .filter((e) => e.t === 'READY')
        .map((e) => e.shard),
    ).toEqual(expect.arrayContaining([0, 1]));
    expect(envelopes().filter((e) => e.t === 'READY')).toHaveLength(2);
  }, 30_000);

  it('with SHARD_IDS, warns about the settings that stay in this process (memory:)', async () => {
    const { service, warnings } = await start(4, 2, { SHARD_IDS: '0-1', IDENTIFY_URL: 'memory:' });
    await service.manager.waitUntilReady();
    expect(warnings()).toContain(
      'SHARD_IDS is set but IDENTIFY_URL, SESSION_STORE_URL, BROKER_URL stay in this process (memory:): other processes of the bot cannot share them',
    );
  }, 30_000);

  it('close 4011 (a shard would hold over 2,500 guilds) reshards to the recommended count', async () => {
    const { sim, service } = await start(2_600, 1);
    const phases: string[] = [];
    service.manager.on('reshard', (phase) => phases.push(phase));
    await vi.waitFor(() => expect(phases).toContain('done'), { timeout: 30_000, interval: 100 });
    expect(service.manager.shardCount).toBe(3);
    await service.manager.waitUntilReady();
    const s = await stats(sim);
    expect(s.shards).toHaveLength(3);
  }, 40_000);
});

describe('a reshard cut short', () => {
  it('stopping the manager before the switch fails the reshard and closes the new set', async () => {
    const { sim, managerOptions } = await startSimWorld(16, cleanups);
    const manager = new ShardManager({ ...managerOptions, shardCount: 2, reshardIntervalMs: 0 });
    cleanups.push(() => manager.stop());
    const phases: string[] = [];
    manager.on('reshard', (phase) => phases.push(phase));
    await manager.start();
    await manager.waitUntilReady();
    const reshard = manager.reshard(4);
    await vi.waitFor(() => expect(phases).toEqual(['started']));
    await expect(manager.reshard(8)).rejects.toThrow(/already under way/);
    await manager.stop();
    await expect(reshard).rejects.toThrow(/stopping/);
    expect(phases).toEqual(['started', 'failed']);
    expect(manager.shardCount).toBe(2);
    // No session of the new set is left open (the old set's stay resumable, as on every stop).
    await vi.waitFor(async () => {
      const live = (await stats(sim)).shards.filter((x) => Array.isArray(x.shard) && x.shard[1] === 4);
      expect(live).toEqual([]);
    });
  }, 30_000);
});

describe('the reshard timer', () => {
  it('reshards when Discord recommends more shards than run', async () => {
    const { managerOptions } = await startSimWorld(1_200, cleanups);
    const manager = new ShardManager({
      ...managerOptions,
      shardCount: 1,
      reshardIntervalMs: 300,
      reshardGraceMs: 100,
    });
    cleanups.push(() => manager.stop());
    const phases: string[] = [];
    manager.on('reshard', (phase, detail) => phases.push(`${phase} ${detail.from}->${detail.to}`));
    await manager.start();
    await vi.waitFor(() => expect(phases).toContain('done 1->2'), { timeout: 20_000, interval: 100 });
    expect(manager.shardCount).toBe(2);
    // The recommendation (one shard per 1,000 guilds) is met now: the timer leaves it alone.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(phases).toEqual(['started 1->2', 'switched 1->2', 'done 1->2']);
  }, 30_000);
});
