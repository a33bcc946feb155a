/**
 * Every service of a bot in one process (`shardwire up`): the simulator (unless a real token is
 * given), the broker, the cache, the rest-proxy, the gateway and a worker running the example bot.
 * Each part is the same code that runs on its own in production; only the wiring is here.
 */

import type { Worker } from '@shardwire/bot';
import { type Broker, createBroker } from '@shardwire/broker';
import { type Cache, createCacheFromConfig } from '@shardwire/cache';
import { createMetricsRegistry, type Logger, loadConfig, sleep } from '@shardwire/core';
import { createBasicBot } from '@shardwire/example-basic-bot';
import { type GatewayService, gatewaySettings, startGatewayService } from '@shardwire/gateway';
import { loadRestProxyConfig, RestClient, type RunningRestProxy, startRestProxy } from '@shardwire/rest';
import { type RunningSimulator, startSimulator } from '@shardwire/simulator';
import type { APIUser } from 'discord-api-types/v10';
import type { PlatformConfig } from './settings.js';

export interface Platform {
  /** Absent when running against real Discord. */
  simulator: RunningSimulator | undefined;
  broker: Broker;
  cache: Cache;
  restProxy: RunningRestProxy;
  gateway: GatewayService;
  worker: Worker;
  bot: APIUser;
  /** Stops everything, the worker first and the broker last. */
  close(): Promise<void>;
}

export interface PlatformHooks {
  /** Start-up steps and shard progress, for the terminal. */
  onProgress?: (message: string) => void;
  /** Aborts start-up (a SIGINT): no further shard opens, what started is closed, then the reason is thrown. */
  signal?: AbortSignal;
}

/** The ports of the services after the simulator's: its own + 1, + 2 (or any free port when 0). */
function portAfter(base: number, offset: number): number {
  return base === 0 ? 0 : base + offset;
}

export async function startPlatform(
  config: PlatformConfig,
  logger: Logger,
  hooks: PlatformHooks = {},
): Promise<Platform> {
  const progress = hooks.onProgress ?? (() => {});
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  const close = async () => {
    for (const { name, stop } of stops.reverse().splice(0)) {
      await stop().catch((err: unknown) => logger.error({ err, service: name }, 'stop failed'));
    }
  };

  try {
    const registry = createMetricsRegistry('up');
    let simulator: RunningSimulator | undefined;
    if (!config.token) {
      simulator = await startSimulator({
        port: config.port,
        host: config.host,
        guilds: config.guilds,
        logger: logger.child({ service: 'simulator' }),
      });
      stops.push({ name: 'simulator', stop: () => simulator!.close() });
      progress(`simulator listening on ${simulator.url}`);
    }
    const token = config.token ?? simulator!.defaultBot.token;
    const apiUrl = simulator ? `${simulator.url}/api` : config.apiUrl;

    const broker = await createBroker(config.brokerUrl, {
      logger: logger.child({ service: 'broker' }),
      registry,
    });
    stops.push({ name: 'broker', stop: () => broker.close() });

    const restProxy = await startRestProxy(
      loadRestProxyConfig({
        env: {},
        flags: { upstream: apiUrl, port: String(portAfter(config.port, 1)), host: config.host },
      }),
      logger.child({ service: 'rest-proxy' }),
    );
    stops.push({ name: 'rest-proxy', stop: () => restProxy.close() });
    // The proxy limits for every process, so the clients in this one send straight to it.
    const rest = new RestClient({ token, baseUrl: `${restProxy.url}/api`, limiter: false, logger });
    stops.push({ name: 'rest', stop: () => rest.close() });
    const bot = await rest.request<APIUser>({ method: 'GET', path: '/users/@me' });
    const cache = await createCacheFromConfig(config, {
      rest,
      logger: logger.child({ service: 'cache' }),
      registry,
    });
    stops.push({ name: 'cache', stop: () => cache.close() });

    // The worker's queue exists before the first shard connects, so no event is published unheard.
    const worker = createBasicBot({
      broker,
      rest,
      cache,
      logger: logger.child({ service: 'worker' }),
      metrics: registry,
    });
    await worker.declare();
    await worker.start();
    stops.push({ name: 'worker', stop: () => worker.stop() });

    const gatewayConfig = loadConfig(gatewaySettings, {
      env: { DISCORD_TOKEN: token },
      flags: {
        'api-url': apiUrl,
        shards: String(config.shards),
        host: config.host,
        port: String(portAfter(config.port, 2)),
      },
    });
    const gateway = await startGatewayService(
      gatewayConfig,
      { broker, cache, rest, logger: logger.child({ service: 'gateway' }), registry },
      hooks.signal,
    );
    // Stopped first: no new events while the worker finishes the ones in hand.
    stops.push({ name: 'gateway', stop: () => gateway.close() });
    gateway.manager.on('progress', (ready, total) => progress(`shards ready: ${ready}/${total}`));
    await gateway.manager.waitUntilReady(hooks.signal);
    if (simulator) {
      const guilds = simulator.world.store.guildIdsOfBot(simulator.defaultBot.id).size;
      await guildsCached(cache, guilds, hooks.signal);
    }
    return { simulator, broker, cache, restProxy, gateway, worker, bot, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** READY lists the guilds; their GUILD_CREATEs follow. Waits until the cache holds them all. */
async function guildsCached(cache: Cache, expected: number, signal: AbortSignal | undefined): Promise<void> {
  while ((await cache.guildCount()) < expected) await sleep(50, signal);
}
