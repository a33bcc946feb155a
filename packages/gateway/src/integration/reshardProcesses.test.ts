/**
 * Two `shardwire gateway` processes splitting one bot (SHARD_IDS 0-3 and 4-7 of 8, or the even and
 * the odd shards; RabbitMQ, Redis sessions and identify buckets) reshard together (to 16, or to 12)
 * on `shardwire gateway reshard` asked of one of them, under a `/_sim/load`; then both restart with
 * their original settings and RESUME their half of the new shards each.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { type Broker, createBroker } from '@shardwire/broker';
import { createLogger, type Envelope } from '@shardwire/core';
import { startSimulator } from '@shardwire/simulator';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { deleteAmqpPrefix, gatewayGroups } from '../testing/amqp.js';
import { cliBin, cliBuilt, type GatewayChild, spawnGateway } from '../testing/child.js';
import { expectReshardedLoad, startMessageLoad } from '../testing/reshardLoad.js';
import { stats } from '../testing/sim.js';

const amqpUrl = process.env.AMQP_URL;
const redisUrl = process.env.REDIS_URL;

describe.skipIf(!amqpUrl || !redisUrl || !cliBuilt)('two gateway processes resharding one bot', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function reshardAndRestart(shardIds: [string, string], to: number) {
    const sim = await startSimulator({
      port: 0,
      guilds: 96,
      logger: createLogger({ name: 'simulator', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    // Every shard in the first identify bucket: the real 5 s interval applies between buckets only.
    await fetch(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxConcurrency: 16 }),
    });
    const prefix = `gwtest-${randomUUID().slice(0, 8)}`;
    const brokerUrl = `${amqpUrl}?prefix=${prefix}`;
    const broker: Broker = await createBroker(brokerUrl);
    cleanups.push(() => deleteAmqpPrefix(amqpUrl!, prefix, gatewayGroups(sim.defaultBot.id, to, ['audit'])));
    cleanups.push(() => broker.close());
    const redis = new Redis(redisUrl!);
    const keyPrefix = `shardwire:gateway:${sim.defaultBot.id}`;
    cleanups.push(async () => {
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    });
    const received: { envelope: Envelope; at: number }[] = [];
    await broker.consume<Envelope>('audit', 'events.#', (delivery) => {
      received.push({ envelope: delivery.body, at: Date.now() });
    });

    const env = (shardIds: string) => ({
      DISCORD_TOKEN: sim.defaultBot.token,
      DISCORD_API_URL: `${sim.url}/api`,
      SHARD_COUNT: '8',
      SHARD_IDS: shardIds,
      GATEWAY_INTENTS: '513',
      BROKER_URL: brokerUrl,
      SESSION_STORE_URL: redisUrl!,
      IDENTIFY_URL: redisUrl!,
      RESHARD_GRACE_MS: '1000',
      RESHARD_INTERVAL_MS: '0',
    });
    const children: GatewayChild[] = [];
    cleanups.push(() => Promise.all(children.map((c) => c.kill())));
    const startBoth = (shards: number) =>
      Promise.all(
        shardIds.map(async (ids) => {
          const child = spawnGateway(env(ids));
          children.push(child);
          await child.waitForLine(new RegExp(`"${shards}/${shards} shards ready"`), 30_000);
          // Logged just before the process listens for SIGINT: a stop sent earlier (the shards of a
          // RESUME can be ready while the start-up still awaits the broker) would kill it outright.
          await child.waitForLine(/gateway running/);
          return child;
        }),
      );
    const [first] = await startBoth(4);
    const ops = (JSON.parse(await first!.waitForLine(/gateway running/)) as { ops: string }).ops;

    const loadStart = await startMessageLoad(sim, received, { eventsPerSecond: 400, seconds: 20 });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliBin, 'gateway', 'reshard', '--shards', String(to), '--url', ops],
      { timeout: 60_000 },
    );
    expect(stdout).toMatch(new RegExp(`resharded from 8 to ${to} shards`));
    await expectReshardedLoad(sim, received, loadStart, { from: 8, to });
    let s = await stats(sim);
    expect(s.identifies).toBe(8 + to);
    expect((s as { refusedIdentifies?: Record<string, number> }).refusedIdentifies).toEqual({});
    expect(JSON.parse((await redis.get(`${keyPrefix}:layout`))!)).toEqual({ shardCount: to, generation: 1 });

    // Both stop and start again with SHARD_COUNT=8 and their SHARD_IDS: each RESUMEs its half of the new shards.
    const stopping = children.splice(0);
    const codes = await Promise.all(stopping.map((c) => c.stop()));
    // On failure: each child's signal and last lines.
    const tails = stopping.map((c) => `${c.process.signalCode}\n${c.lines.slice(-15).join('\n')}`);
    expect(codes, tails.join('\n----\n')).toEqual([0, 0]);
    const again = await startBoth(to / 2);
    s = await stats(sim);
    expect(s.identifies).toBe(8 + to);
    expect(s.resumes).toBe(to);
    for (const child of again) {
      expect(child.lines.filter((l) => l.includes('resuming stored session'))).toHaveLength(to / 2);
    }
    expect(await Promise.all(again.map((c) => c.stop()))).toEqual([0, 0]);
  }

  it(
    '0-3 and 4-7 of 8 -> 16 under load on `shardwire gateway reshard`, then a restart RESUMEs 8 + 8 of 16',
    {
      timeout: 120_000,
    },
    () => reshardAndRestart(['0-3', '4-7'], 16),
  );

  it(
    'the even and the odd shards of 8 (0-7/2, 1-7/2) -> 12, then a restart RESUMEs 6 + 6 of 12',
    {
      timeout: 120_000,
    },
    () => reshardAndRestart(['0-7/2', '1-7/2'], 12),
  );
});
