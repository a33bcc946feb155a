/** Test helper: a Redis connection whose cleanup deletes the test's keys (`<keyPrefix>:*`) and quits. */
import { Redis } from 'ioredis';
import type { Cleanups } from './simWorld.js';

export function testRedis(url: string, keyPrefix: string, cleanups: Cleanups): Redis {
  const redis = new Redis(url);
  cleanups.push(async () => {
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  return redis;
}
