/**
 * Opens the Redis client a `CACHE_URL` names: `redis://` or `rediss://` for one server,
 * `redis+cluster://host:port,host:port` for a Redis Cluster (the listed nodes are the seeds).
 */
import type { Logger } from '@shardwire/core';
import { Cluster, Redis } from 'ioredis';

export const CACHE_URL_FORMS =
  'memory:, redis://host:port (or rediss://) or redis+cluster://host:port,host:port';

/** The client for a URL; with `lazy`, it connects on `connect()`. */
export function redisClient(url: string, lazy = true): Redis | Cluster {
  return url.toLowerCase().startsWith('redis+cluster://') ? cluster(url, lazy) : single(url, lazy);
}

export async function connectRedis(url: string, logger?: Logger): Promise<Redis | Cluster> {
  const client = redisClient(url);
  client.on('error', (error: Error) => logger?.warn({ err: error.message }, 'cache: redis connection error'));
  try {
    await client.connect();
    return client;
  } catch (error) {
    client.disconnect();
    throw new Error(`CACHE_URL: cannot connect to Redis: ${(error as Error).message}`);
  }
}

function single(url: string, lazy: boolean): Redis {
  return new Redis(url, { enableAutoPipelining: true, maxRetriesPerRequest: 3, lazyConnect: lazy });
}

function cluster(url: string, lazy: boolean): Cluster {
  const rest = url.slice('redis+cluster://'.length);
  const at = rest.lastIndexOf('@');
  const auth = at === -1 ? '' : rest.slice(0, at);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).replace(/\/.*$/, '');
  const nodes = hosts.split(',').map((hostPort) => {
    const match = /^([^:]+):(\d+)$/.exec(hostPort.trim());
    if (!match) throw new Error(`CACHE_URL: expected ${CACHE_URL_FORMS}; "${hostPort}" is not host:port`);
    return { host: match[1]!, port: Number(match[2]) };
  });
  const [username, password] = auth ? auth.split(':').map(decodeURIComponent) : [];
  return new Cluster(nodes, {
    enableAutoPipelining: true,
    lazyConnect: lazy,
    redisOptions: { maxRetriesPerRequest: 3, ...(password !== undefined ? { username, password } : {}) },
  });
}
