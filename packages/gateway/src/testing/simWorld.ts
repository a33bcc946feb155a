/** Test helper: a simulator with scaled identify windows, a memory broker (recording), cache and REST. */
import { MemoryBroker } from '@shardwire/broker';
import { createCache } from '@shardwire/cache';
import { type Clock, createLogger, type Envelope } from '@shardwire/core';
import { RestClient } from '@shardwire/rest';
import { type SimulatorOptions, startSimulator } from '@shardwire/simulator';
import type { SessionStartLimit } from '../identify/IdentifyThrottler.js';
import { MemoryIdentifyThrottler } from '../identify/MemoryIdentifyThrottler.js';

export type Cleanups = (() => Promise<unknown> | unknown)[];

export async function startSimWorld(
  guilds: number,
  cleanups: Cleanups,
  simulatorOptions: SimulatorOptions = {},
) {
  const sim = await startSimulator({
    port: 0,
    guilds,
    heartbeatIntervalMs: 2_000,
    limitScale: 0.01,
    logger: createLogger({ name: 'simulator', level: 'error' }),
    ...simulatorOptions,
  });
  cleanups.push(() => sim.close());
  const broker = new MemoryBroker();
  cleanups.push(() => broker.close());
  const cache = await createCache('memory:');
  cleanups.push(() => cache.close());
  const rest = new RestClient({ token: sim.defaultBot.token, baseUrl: `${sim.url}/api` });
  cleanups.push(() => rest.close());
  // Every envelope published, in arrival order: with its arrival time, and bare.
  const received: { envelope: Envelope; at: number }[] = [];
  const envelopes: Envelope[] = [];
  await broker.consume<Envelope>('test', 'events.#', (delivery) => {
    received.push({ envelope: delivery.body, at: Date.now() });
    envelopes.push(delivery.body);
  });
  /** What every ShardManager of these tests shares: the token, intents 513, the stores, a 60 ms bucket. */
  const managerOptions = {
    token: sim.defaultBot.token,
    intents: 513,
    rest,
    broker,
    cache,
    identifyThrottler: (limit: SessionStartLimit, { clock }: { clock: Clock }) =>
      new MemoryIdentifyThrottler({ limit, clock, intervalMs: 60 }),
  };
  return { sim, broker, cache, rest, received, envelopes, managerOptions };
}
