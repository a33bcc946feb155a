import { describe, expect, it } from 'vitest';
import { createCache } from './createCache.js';

describe('createCache', () => {
  it.each([undefined, '', 'memory:'])('picks the memory backend for %j', async (url) => {
    const cache = await createCache(url);
    expect((await cache.stats()).backend).toBe('memory');
    await cache.close();
  });

  it.each([
    ['postgres://localhost/db', /CACHE_URL: expected memory:, redis:\/\/.*redis\+cluster:\/\/.*"postgres:"/],
    ['localhost:6379', /CACHE_URL: expected memory:, redis:\/\//],
    ['redis+cluster://127.0.0.1', /"127.0.0.1" is not host:port/],
    ['not a url', /not a URL/],
  ])('rejects %s with a message naming CACHE_URL', async (url, message) => {
    await expect(createCache(url)).rejects.toThrow(message);
  });
});

describe.skipIf(!process.env.REDIS_URL)('createCache with redis://', () => {
  it('picks the Redis backend', async () => {
    const cache = await createCache(process.env.REDIS_URL, { keyPrefix: `test:cache:factory${process.pid}` });
    expect((await cache.stats()).backend).toBe('redis');
    expect(await cache.guildCount()).toBe(0);
    await cache.close();
  });

  it('names CACHE_URL when Redis cannot be reached', async () => {
    await expect(createCache('redis://127.0.0.1:1')).rejects.toThrow(/CACHE_URL: cannot connect to Redis/);
  });
});

describe.skipIf(!process.env.REDIS_CLUSTER_URL)('createCache with redis+cluster://', () => {
  it('picks the Redis backend on a cluster client', async () => {
    const cache = await createCache(process.env.REDIS_CLUSTER_URL, {
      keyPrefix: `test:cache:factory${process.pid}`,
    });
    expect((await cache.stats()).backend).toBe('redis');
    expect(await cache.guildCount()).toBe(0);
    await cache.close();
  });
});
