/** Wires a `RestProxyConfig` into a running rest-proxy: limiter, guard, optional Redis, logging. */
import { createLogger, Gauge, type Logger } from '@shardwire/core';
import { InvalidRequestGuard } from '../guard/InvalidRequestGuard.js';
import { botIdOfIdentity } from '../limiter/identity.js';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import type { RestProxyConfig } from './config.js';
import { RestProxy } from './RestProxy.js';

export interface RunningRestProxy {
  url: string;
  proxy: RestProxy;
  close(): Promise<void>;
}

/** The global limit of an identity: the bot's own if configured, else the default. */
export function globalLimitOf(config: Pick<RestProxyConfig, 'globalLimit' | 'globalLimits'>) {
  return (identity: string): number => {
    const bot = botIdOfIdentity(identity);
    return (bot !== undefined ? config.globalLimits?.get(bot) : undefined) ?? config.globalLimit;
  };
}

export async function startRestProxy(config: RestProxyConfig, logger?: Logger): Promise<RunningRestProxy> {
  const log = logger ?? createLogger({ name: 'rest-proxy', level: config.logLevel });
  const limiter = new MemoryLimiter({ globalLimit: globalLimitOf(config), maxQueue: config.maxQueue });
  const guard = new InvalidRequestGuard({ budget: config.invalidBudget, windowMs: config.invalidWindowMs });
  const proxy = new RestProxy({
    upstreamUrl: config.upstreamUrl,
    limiter,
    guard,
    secret: config.secret,
    connections: config.connections,
    timeoutMs: config.timeoutMs,
    logger: log,
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
  log.info(
    { url, upstream: config.upstreamUrl, shared: config.redisUrl ? 'redis' : 'memory' },
    'rest-proxy ready',
  );
  return { url, proxy, close: () => proxy.close() };
}
