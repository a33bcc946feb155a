/**
 * RabbitMQ unreachable under load (a network cut between the gateway and the broker, so other
 * tests sharing the server are not disturbed): envelopes go to the disk spool, and once the broker
 * is reachable again the spool drains in order; no event the simulator dispatched is lost.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Broker, createBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { createLogger, type Envelope } from '@shardwire/core';
import { RestClient } from '@shardwire/rest';
import { startSimulator } from '@shardwire/simulator';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MemoryIdentifyThrottler } from '../identify/MemoryIdentifyThrottler.js';
import { ShardManager } from '../manager/ShardManager.js';
import { deleteAmqpPrefix, gatewayGroups } from '../testing/amqp.js';
import { expectNothingLost, startLoad, textChannels } from '../testing/sim.js';
import { TcpProxy } from '../testing/tcpProxy.js';

const amqpUrl = process.env.AMQP_URL;

describe.skipIf(!amqpUrl)('gateway spool while the broker is unreachable', () => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('spools during a broker outage and drains in order afterwards', { timeout: 90_000 }, async () => {
    const quiet = createLogger({ name: 'test', level: 'silent' });
    const sim = await startSimulator({ port: 0, guilds: 4, limitScale: 0.01, logger: quiet });
    cleanups.push(() => sim.close());
    const target = new URL(amqpUrl!);
    const proxy = await TcpProxy.start(Number(target.port || 5672), target.hostname);
    cleanups.push(() => proxy.close());
    const prefix = `gwspool-${randomUUID().slice(0, 8)}`;
    const viaProxy = new URL(amqpUrl!);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const consumerBroker: Broker = await createBroker(`${amqpUrl}?prefix=${prefix}`, { logger: quiet });
    cleanups.push(() => deleteAmqpPrefix(amqpUrl!, prefix, gatewayGroups(sim.defaultBot.id, 2, ['audit'])));
    cleanups.push(() => consumerBroker.close());
    const received: Envelope[] = [];
    await consumerBroker.consume<Envelope>('audit', 'events.#', (delivery) => {
      received.push(delivery.body);
    });
    const gatewayBroker = await createBroker(`${viaProxy}?prefix=${prefix}`, { logger: quiet });
    cleanups.push(() => gatewayBroker.close());
    const spoolDir = await mkdtemp(join(tmpdir(), 'gw-spool-'));
    cleanups.push(() => rm(spoolDir, { recursive: true, force: true }));
    const cache = await createCache('memory:');
    const rest = new RestClient({ token: sim.defaultBot.token, baseUrl: `${sim.url}/api` });
    cleanups.push(() => rest.close());
    const manager = new ShardManager({
      token: sim.defaultBot.token,
      intents: 513,
      rest,
      broker: gatewayBroker,
      cache,
      shardCount: 2,
      spoolDir,
      publishTimeoutMs: 500,
      consumeCommands: false,
      identifyThrottler: (limit, { clock }) => new MemoryIdentifyThrottler({ limit, clock, intervalMs: 60 }),
    });
    cleanups.push(() => manager.stop());
    await manager.start();
    await manager.waitUntilReady();

    const channels = await textChannels(sim);
    const { posted, stop: stopLoad } = startLoad(sim, channels);
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(100), { timeout: 10_000 });
    proxy.down = true;
    proxy.dropAll();
    const cutAt = posted.length;
    let spooled = false;
    await vi.waitFor(
      () => {
        spooled ||= manager.metrics.spoolSources.size > 0 && manager.health().ok && hasSpooled();
        expect(spooled && posted.length > cutAt + 300).toBe(true);
      },
      { timeout: 30_000 },
    );
    proxy.down = false;
    const restoredAt = posted.length;
    await vi.waitFor(() => expect(posted.length).toBeGreaterThan(restoredAt + 100), { timeout: 10_000 });
    await stopLoad();

    const messages = () => received.filter((e) => e.t === 'MESSAGE_CREATE');
    await vi.waitFor(() => expect(new Set(messages().map((e) => e.id)).size).toBe(posted.length), {
      timeout: 60_000,
    });
    expect(new Set(messages().map((e) => (e.d as { id: string }).id))).toEqual(new Set(posted));
    await expectNothingLost(sim, received);
    // In order per guild (the broker's ordering unit: RabbitMQ publishes partitions over several
    // channels, so two guilds' envelopes may interleave): first deliveries come in seq order.
    const firstSeen = new Map<string, number[]>();
    const seen = new Set<string>();
    for (const e of received) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const stream = `${e.shard}:${e.guildId ?? '-'}`;
      firstSeen.set(stream, [...(firstSeen.get(stream) ?? []), e.seq]);
    }
    expect(firstSeen.size).toBeGreaterThan(2);
    for (const seqs of firstSeen.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    function hasSpooled(): boolean {
      return [...manager.metrics.spoolSources].some((source) => source().some(([, bytes]) => bytes > 0));
    }
  });
});
