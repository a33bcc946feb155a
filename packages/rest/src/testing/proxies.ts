/** Rest-proxy instances for tests, sharing Redis under one throwaway prefix. */
import { Redis } from 'ioredis';
import { loadRestProxyConfig } from '../proxy/config.js';
import { type RunningRestProxy, startRestProxy } from '../proxy/start.js';

export async function startProxies(
  count: number,
  options: { upstreamUrl: string; redisUrl: string; prefix: string; env?: Record<string, string> },
): Promise<RunningRestProxy[]> {
  const proxies: RunningRestProxy[] = [];
  for (let i = 0; i < count; i++) {
    const config = loadRestProxyConfig({
      env: {
        DISCORD_API_URL: options.upstreamUrl,
        REDIS_URL: options.redisUrl,
        REST_REDIS_PREFIX: options.prefix,
        REST_PROXY_PORT: '0',
        REST_PROXY_HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        ...options.env,
      },
    });
    proxies.push(await startRestProxy(config));
  }
  return proxies;
}

/** Removes every key a test wrote under its prefix. */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
