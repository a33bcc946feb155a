/**
 * SIGINT while `shardwire gateway` is still starting (its session store slow, so shards open one by
 * one): the process opens no further shard, identifies no more, stops the READY shards with their
 * sessions kept, exits with code 0, and a restart RESUMEs them.
 */
import { createLogger } from '@shardwire/core';
import { startSimulator } from '@shardwire/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { cliBuilt, type GatewayChild, spawnGateway } from '../testing/child.js';
import { DelayProxy } from '../testing/delayProxy.js';
import { testRedis } from '../testing/redis.js';
import { stats } from '../testing/sim.js';

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!redisUrl || !cliBuilt)('gateway process: a signal during start-up', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stops starting shards, keeps the started ones resumable and exits with code 0', async () => {
    const sim = await startSimulator({
      port: 0,
      guilds: 4,
      logger: createLogger({ name: 'sim', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    testRedis(redisUrl!, `shardwire:gateway:${sim.defaultBot.id}`, cleanups);
    // Every Redis reply 250 ms late: a session load per shard makes 12 shards take seconds to open.
    const slowRedis = await DelayProxy.start(Number(new URL(redisUrl!).port || 6379), 250);
    slowRedis.slow = true;
    cleanups.push(() => slowRedis.close());
    const env = {
      DISCORD_TOKEN: sim.defaultBot.token,
      DISCORD_API_URL: `${sim.url}/api`,
      SHARD_COUNT: '12',
    };
    const children: GatewayChild[] = [];
    cleanups.push(() => Promise.all(children.map((c) => c.kill())));

    const first = spawnGateway({ ...env, SESSION_STORE_URL: `redis://127.0.0.1:${slowRedis.port}` });
    children.push(first);
    await first.waitForLine(/"1\/12 shards ready/);
    const identifiesAtSignal = (await stats(sim)).identifies;
    expect(await first.stop()).toBe(0);
    expect(first.lines.some((l) => l.includes('gateway running'))).toBe(false);
    expect(first.lines.some((l) => l.includes('SIGINT during start-up'))).toBe(true);
    expect(first.lines.some((l) => l.includes('"shutting down"'))).toBe(true);
    const afterExit = await stats(sim);
    expect(afterExit.identifies).toBe(identifiesAtSignal);
    const started = afterExit.shards.filter((s) => s.bot === sim.defaultBot.id);
    expect(started.length).toBeGreaterThan(0);
    expect(started.length).toBeLessThan(12);

    const second = spawnGateway({ ...env, SESSION_STORE_URL: redisUrl! });
    children.push(second);
    await second.waitForLine(/gateway running/); // from then on SIGINT stops it gracefully
    const deadline = Date.now() + 10_000;
    while ((await stats(sim)).resumes < started.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const resumed = await stats(sim);
    expect(resumed.resumes).toBe(started.length);
    // The same sessions, taken up again: none of them was ended by the shutdown.
    const sessions = new Set(resumed.shards.map((s) => s.session));
    for (const { session } of started) expect(sessions.has(session)).toBe(true);
    expect(await second.stop()).toBe(0);
  }, 60_000);
});
