/**
 * `shardwire gateway` killed with SIGKILL under load, then started again: it RESUMEs every shard from
 * the Redis session store (no new IDENTIFY) and every event the simulator dispatched reaches RabbitMQ;
 * after a reshard, the restart with the original SHARD_COUNT starts (and RESUMEs) the new layout.
 */
import { randomUUID } from 'node:crypto';
import { type Broker, createBroker } from '@shardwire/broker';
import { createLogger, type Envelope, shardIdOf } from '@shardwire/core';
import { startSimulator } from '@shardwire/simulator';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deleteAmqpPrefix, gatewayGroups } from '../testing/amqp.js';
import { cliBuilt, type GatewayChild, spawnGateway } from '../testing/child.js';
import { testRedis } from '../testing/redis.js';
import { reshardOverHttp } from '../testing/reshardLoad.js';
import { expectNothingLost, startLoad, stats, textChannels } from '../testing/sim.js';

const amqpUrl = process.env.AMQP_URL;
const redisUrl = process.env.REDIS_URL;

describe.skipIf(!amqpUrl || !redisUrl || !cliBuilt)('gateway process restart', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function prepare({
    guilds = 8,
    shards = 2,
    maxShards,
    seed,
  }: {
    guilds?: number;
    shards?: number;
    maxShards?: number;
    /** Fixed guild ids (so which shard each lands on does not vary between runs). */
    seed?: number;
  } = {}) {
    const sim = await startSimulator({
      port: 0,
      guilds,
      ...(seed === undefined ? {} : { seed }),
      logger: createLogger({ name: 'simulator', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    const prefix = `gwtest-${randomUUID().slice(0, 8)}`;
    const brokerUrl = `${amqpUrl}?prefix=${prefix}`;
    const broker: Broker = await createBroker(brokerUrl);
    cleanups.push(() =>
      deleteAmqpPrefix(amqpUrl!, prefix, gatewayGroups(sim.defaultBot.id, maxShards ?? shards, ['audit'])),
    );
    cleanups.push(() => broker.close());
    testRedis(redisUrl!, `shardwire:gateway:${sim.defaultBot.id}`, cleanups);

    const received = new Map<string, Envelope>();
    await broker.consume<Envelope>('audit', 'events.#', (delivery) => {
      received.set(delivery.body.id, delivery.body);
    });

    const env = {
      DISCORD_TOKEN: sim.defaultBot.token,
      DISCORD_API_URL: `${sim.url}/api`,
      SHARD_COUNT: String(shards),
      // GUILDS, GUILD_PRESENCES, GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING: every
      // kind of event /_sim/load makes reaches the gateway.
      GATEWAY_INTENTS: '3841',
      BROKER_URL: brokerUrl,
      SESSION_STORE_URL: redisUrl!,
    };
    const children: GatewayChild[] = [];
    cleanups.push(() => Promise.all(children.map((c) => c.kill())));
    const start = async (ready = shards) => {
      const child = spawnGateway(env);
      children.push(child);
      await child.waitForLine(new RegExp(`"${ready}/${ready} shards ready"`));
      await child.waitForLine(/gateway running/); // from then on SIGINT stops it gracefully
      return child;
    };

    return { sim, received, start };
  }

  it('resumes every shard after SIGKILL under load and loses no event', { timeout: 90_000 }, async () => {
    const { sim, received, start } = await prepare();
    // Discord dispatches to sessions that exist: the load starts once the shards are READY.
    const first = await start();
    const channels = await textChannels(sim);
    const { posted, stop: stopLoad } = startLoad(sim, channels);

    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(300), { timeout: 20_000 });
    await first.kill();
    const postedWhileDown = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(postedWhileDown + 200), { timeout: 20_000 });
    const second = await start();
    const resumedAt = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(resumedAt + 200), { timeout: 20_000 });
    await stopLoad();

    const messages = () => [...received.values()].filter((e) => e.t === 'MESSAGE_CREATE');
    await vi.waitFor(() => expect(messages().length).toBeGreaterThanOrEqual(posted.length), {
      timeout: 30_000,
    });
    expect(new Set(messages().map((e) => (e.d as { id: string }).id))).toEqual(new Set(posted));
    await expectNothingLost(sim, [...received.values()]);
    const s = await stats(sim);
    expect(s.identifies).toBe(2);
    expect(s.resumes).toBe(2);
    expect(second.lines.filter((l) => l.includes('resuming stored session'))).toHaveLength(2);
    expect(await second.stop()).toBe(0);
  });

  it('SIGKILL in the middle of a 50,000-event /_sim/load: RESUME, no new IDENTIFY, every event in the broker', {
    timeout: 120_000,
  }, async () => {
    const { sim, received, start } = await prepare();
    const first = await start();
    const load = await fetch(`${sim.url}/_sim/load`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventsPerSecond: 2_500, seconds: 20 }),
    });
    expect(load.status).toBe(202);
    await vi.waitFor(() => expect(received.size).toBeGreaterThan(15_000), { timeout: 60_000 });
    await first.kill();
    const second = await start();
    await vi.waitFor(
      async () => {
        const status = (await (await fetch(`${sim.url}/_sim/load`)).json()) as { running: boolean };
        expect(status.running).toBe(false);
      },
      { timeout: 60_000, interval: 200 },
    );
    const s = await stats(sim);
    const dispatched = s.shards.reduce((n, shard) => n + shard.seq, 0);
    // Every load event the gateway's intents take is numbered for its sessions; none may have been
    // left behind by the restart (pending: still waiting for a RESUME; dropped: its session ended).
    const generated = s.perShard.reduce((n, shard) => n + shard.generated, 0);
    expect(s.perShard.map(({ shard, pending, dropped }) => ({ shard, pending, dropped }))).toEqual(
      s.perShard.map(({ shard }) => ({ shard, pending: 0, dropped: 0 })),
    );
    expect(generated).toBeGreaterThan(45_000);
    expect(dispatched).toBeGreaterThanOrEqual(generated);
    await vi.waitFor(() => expect(received.size).toBeGreaterThanOrEqual(dispatched), { timeout: 60_000 });
    console.log(
      `load: ${generated} generated for the gateway's intents, ${dispatched} dispatched, ${received.size} envelopes received`,
    );
    await expectNothingLost(sim, [...received.values()]);
    expect(s.identifies).toBe(2);
    expect(s.resumes).toBe(2);
    expect(await second.stop()).toBe(0);
  });

  it('after a reshard 4 -> 8, SIGKILL and a restart with SHARD_COUNT=4 RESUME the 8 shards', {
    timeout: 120_000,
  }, async () => {
    const { sim, received, start } = await prepare({ guilds: 48, shards: 4, maxShards: 8, seed: 6 });
    // Every shard in the first identify bucket: the throttler's real 5 s interval never applies.
    await fetch(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ maxConcurrency: 16 }),
    });
    const first = await start();
    const ops = (JSON.parse(await first.waitForLine(/gateway running/)) as { ops: string }).ops;
    // One guild's channel on each of shards 0-3 of 8 (every old shard is busy): new shards 4-7 publish
    // nothing after their start, and must resume all the same.
    const guilds = (await (await fetch(`${sim.url}/_sim/guilds`)).json()) as {
      id: string;
      system_channel_id: string;
    }[];
    const busy = guilds.filter((g) => shardIdOf(g.id, 8) < 4);
    const channels = [...new Map(busy.map((g) => [shardIdOf(g.id, 8), g.system_channel_id])).values()];
    expect(channels).toHaveLength(4);
    const { posted, stop: stopLoad } = startLoad(sim, channels);

    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(200), { timeout: 20_000 });
    await reshardOverHttp(ops, 8, 30_000);
    const afterReshard = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(afterReshard + 200), { timeout: 20_000 });
    await first.kill();
    const postedWhileDown = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(postedWhileDown + 200), { timeout: 20_000 });
    const second = await start(8);
    const resumedAt = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(resumedAt + 200), { timeout: 20_000 });
    await stopLoad();

    // Every message reached the broker (once per set at most: ids deduped here).
    const messageIds = () =>
      new Set(
        [...received.values()].filter((e) => e.t === 'MESSAGE_CREATE').map((e) => (e.d as { id: string }).id),
      );
    await vi.waitFor(() => expect(messageIds().size).toBeGreaterThanOrEqual(posted.length), {
      timeout: 30_000,
    });
    expect(messageIds()).toEqual(new Set(posted));
    const s = await stats(sim);
    // 4 at the start, 8 for the reshard, none after the restart: the 8 sessions resumed.
    expect(s.identifies).toBe(12);
    expect(s.resumes).toBe(8);
    expect(s.shards.map((x) => x.shard)).toEqual(
      expect.arrayContaining(Array.from({ length: 8 }, (_, i) => [i, 8])),
    );
    expect(second.lines.filter((l) => l.includes('resuming stored session'))).toHaveLength(8);
    expect(second.lines.some((l) => l.includes('starting the stored layout of 8 shards'))).toBe(true);
    expect(await second.stop()).toBe(0);
  });
});
