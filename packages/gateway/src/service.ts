/** `shardwire gateway` as a service: the shard manager plus `/healthz` and `/metrics`. */
import type { Broker } from '@shardwire/broker';
import type { Cache } from '@shardwire/cache';
import { type Logger, type Registry, registerOpsRoutes } from '@shardwire/core';
import type { Rest } from '@shardwire/rest';
import Fastify from 'fastify';
import type { GatewayConfig } from './config.js';
import { ShardManager } from './manager/ShardManager.js';
import { registerReshardRoutes } from './reshard/routes.js';
import { botKeyPrefix, createIdentifyThrottlerFactory, createSessionStore } from './stores.js';

export interface GatewayServiceDeps {
  broker: Broker;
  cache: Cache;
  rest: Rest;
  logger: Logger;
  registry: Registry;
}

export interface GatewayService {
  manager: ShardManager;
  /** Base URL of `/healthz`, `/metrics` and `/reshard`. */
  url: string;
  /** Stops the shards (sessions kept resumable), the HTTP server and the session store. */
  close(): Promise<void>;
}

/** `signal` (a SIGINT during start-up) stops opening shards; the service returned then only closes. */
export async function startGatewayService(
  config: GatewayConfig,
  deps: GatewayServiceDeps,
  signal?: AbortSignal,
): Promise<GatewayService> {
  const { logger } = deps;
  const keyPrefix = botKeyPrefix(config.token);
  // Processes splitting a bot stay within Discord's identify limits, resume and reshard together only
  // through shared identify buckets, sessions and broker; `memory:` is this process's alone.
  const unshared = config.shardIds
    ? Object.entries({
        IDENTIFY_URL: config.identifyUrl,
        SESSION_STORE_URL: config.sessionStoreUrl,
        BROKER_URL: config.brokerUrl,
      })
        .filter(([, url]) => url === 'memory:')
        .map(([name]) => name)
    : [];
  if (unshared.length > 0) {
    logger.warn(
      { settings: unshared },
      `SHARD_IDS is set but ${unshared.join(', ')} stay in this process (memory:): other processes of the bot cannot share them`,
    );
  }
  const sessionStore = createSessionStore(config.sessionStoreUrl, keyPrefix, logger);
  const manager = new ShardManager({
    token: config.token,
    intents: config.intents,
    rest: deps.rest,
    broker: deps.broker,
    cache: deps.cache,
    sessionStore,
    identifyThrottler: createIdentifyThrottlerFactory(config.identifyUrl, keyPrefix, logger),
    shardCount: config.shardCount,
    ...(config.shardIds ? { shardIds: config.shardIds } : {}),
    ...(config.gatewayUrl ? { gatewayUrl: config.gatewayUrl } : {}),
    compression: config.compression === 'none' ? null : config.compression,
    ...(config.presence !== undefined ? { presence: config.presence } : {}),
    // The memory broker lives and dies with this process: a disk spool in front of it buys nothing.
    ...(config.brokerUrl !== 'memory:' && config.spoolDir !== 'none'
      ? { spoolDir: config.spoolDir, spoolMaxBytes: config.spoolMaxMb * 1024 * 1024 }
      : {}),
    partitions: config.partitions,
    reshardIntervalMs: config.reshardIntervalMs,
    reshardGraceMs: config.reshardGraceMs,
    reshardCoordinatorTimeoutMs: config.reshardCoordinatorTimeoutMs,
    splitCheckIntervalMs: config.splitCheckIntervalMs,
    logger,
    metrics: deps.registry,
  });
  manager.on('reshard', (phase, detail) => logger.info({ phase, ...detail }, `reshard ${phase}`));
  manager.on('fatal', (err) => logger.error({ shard: err.shardId, code: err.code }, err.message));

  const app = Fastify({ logger: false });
  registerOpsRoutes(app, { registry: deps.registry, health: () => manager.health() });
  registerReshardRoutes(app, manager);
  const address = await app.listen({ host: config.host, port: config.port });
  try {
    await manager.start(signal);
  } catch (err) {
    await app.close();
    await sessionStore.close();
    throw err;
  }
  let closing: Promise<void> | undefined;
  return {
    manager,
    url: address,
    close() {
      closing ??= (async () => {
        await manager.stop();
        await app.close();
        await sessionStore.close();
      })();
      return closing;
    },
  };
}
