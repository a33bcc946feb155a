/** Wires a `RestProxyConfig` into a running rest-proxy: limiter, guard, optional Redis, logging, metrics. */
import { createLogger, Gauge, type Logger } from '@shardwire/core';
import { Redis } from 'ioredis';
import { InvalidRequestGuard } from '../guard/InvalidRequestGuard.js';
import { botIdOfIdentity } from '../limiter/identity.js';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import { RedisGate } from '../redis/RedisGate.js';
import { RedisGuardSharing } from '../redis/RedisGuardSharing.js';
import { RedisHashStore } from '../redis/RedisHashStore.js';
import type { RestProxyConfig } from './config.js';
import { RestProxy } from './RestProxy.js';

export interface RunningRestProxy {
  url: string;
  proxy: RestProxy;
  guard: InvalidRequestGuard;
  close(): Promise<void>;
}

/** The global limit of an identity: the bot's own if configured, else the default. */
export function globalLimitOf(config: Pick<RestProxyConfig, 'globalLimit' | 'globalLimits'>) {
  return (identity: string): number => {
    const bot = botIdOfIdentity(identity);
    return (bot !== undefined ? config.globalLimits?.get(bot) : undefined) ?? config.globalLimit;
  };
}

/** How often an instance learns the others' hashes, invalid counts and marks from Redis. */
const REFRESH_MS = 1_000;

export async function startRestProxy(config: RestProxyConfig, logger?: Logger): Promise<RunningRestProxy> {
  const log = logger ?? createLogger({ name: 'rest-proxy', level: config.logLevel });
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { enableAutoPipelining: true, maxRetriesPerRequest: 2, lazyConnect: true })
    : undefined;
  if (redis) {
    redis.on('error', (err) => log.warn({ err }, 'redis error'));
    await redis.connect();
  }
  const onRedisError = (err: unknown) =>
    log.warn({ err }, 'redis call failed; this instance goes on its own knowledge');
  const hashStore = redis ? new RedisHashStore(redis, config.redisPrefix, onRedisError) : undefined;
  const limiter = new MemoryLimiter({
    globalLimit: globalLimitOf(config),
    maxQueue: config.maxQueue,
    hashes: hashStore ? await hashStore.load() : undefined,
    onHashLearned: hashStore ? (route, hash) => hashStore.save(route, hash) : undefined,
    gate: redis ? new RedisGate(redis, { prefix: config.redisPrefix, onError: onRedisError }) : undefined,
    onGateError: onRedisError,
  });
  const guard = new InvalidRequestGuard({
    budget: config.invalidBudget,
    windowMs: config.invalidWindowMs,
    sharing: redis
      ? new RedisGuardSharing(redis, {
          ip: config.outgoingIp,
          windowMs: config.invalidWindowMs,
          prefix: config.redisPrefix,
        })
      : undefined,
    onSharingError: onRedisError,
  });
  const refresh = redis
    ? setInterval(() => {
        guard.refresh().catch(onRedisError);
        hashStore!.load().then((hashes) => limiter.addHashes(hashes), onRedisError);
      }, REFRESH_MS)
    : undefined;
  refresh?.unref();
  const proxy = new RestProxy({
    upstreamUrl: config.upstreamUrl,
    limiter,
    guard,
    secret: config.secret,
    connections: config.connections,
    timeoutMs: config.timeoutMs,
    logger: log,
    health: async () => {
      if (!redis) return { ok: true, state: 'memory' };
      const ok = await redis.ping().then(
        (pong) => pong === 'PONG',
        () => false,
      );
      return { ok, state: 'redis', redis: ok ? 'up' : 'down' };
    },
  });
  new Gauge({
    name: 'shardwire_rest_invalid_requests',
    help: 'Invalid answers (401, 403, non-shared 429, webhook 404) in the window, per outgoing IP',
    labelNames: ['ip'],
    registers: [proxy.registry],
    collect() {
      this.set({ ip: config.outgoingIp }, guard.total());
    },
  });
  const url = await proxy.listen(config.port, config.host);
  log.info({ url, upstream: config.upstreamUrl, state: redis ? 'redis' : 'memory' }, 'rest-proxy ready');
  return {
    url,
    proxy,
    guard,
    async close() {
      if (refresh) clearInterval(refresh);
      await proxy.close();
      await redis?.quit();
    },
  };
}
