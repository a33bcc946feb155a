import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningRestProxy } from '../proxy/start.js';
import { routeOf } from '../routes.js';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../testing/fakeDiscord.js';
import { deleteKeys, startProxies } from '../testing/proxies.js';

const REDIS_URL = process.env.REDIS_URL;
const BOT = 'Bot MTExMTExMTExMTExMTExMTEx.GAbCdE.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const REVOKED = 'Bot MjIyMjIyMjIyMjIyMjIyMjIy.GAbCdE.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const CHANNEL = '222222222222222222';

describe.skipIf(!REDIS_URL)('rest-proxy instances sharing Redis', () => {
  const prefix = `test:rest:${randomUUID()}:`;
  let fake: FakeDiscord;
  let proxies: RunningRestProxy[] = [];

  async function start(count: number, fakeOptions: FakeDiscordOptions, env: Record<string, string> = {}) {
    fake ??= await startFakeDiscord(fakeOptions);
    proxies.push(
      ...(await startProxies(count, { upstreamUrl: `${fake.url}/api`, redisUrl: REDIS_URL!, prefix, env })),
    );
    return proxies;
  }

  afterEach(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    proxies = [];
    await fake?.close();
    fake = undefined as unknown as FakeDiscord;
    await deleteKeys(REDIS_URL!, prefix);
  });

  const send = (base: string, channel: string, authorization = BOT) =>
    request(`${base}/api/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    }).then(async (answer) => {
      await answer.body.dump();
      return answer;
    });

  it('three instances flooding one channel from 20 callers: no 429 reaches Discord', async () => {
    const running = await start(3, { limit: 5, windowMs: 100, globalLimit: 1000 });
    let next = 0;
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, caller) => {
        while (next < 100) {
          next++;
          const answer = await send(running[caller % 3]!.url, CHANNEL);
          statuses.push(answer.statusCode);
        }
      }),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(fake.requests.length).toBe(100);
    expect(fake.limited).toEqual({ user: 0, global: 0 });
  });

  it('a mix of 50 routes through three instances: no 429 reaches Discord', async () => {
    const running = await start(
      3,
      { limit: 2, windowMs: 100, globalLimit: 1000 },
      { REST_GLOBAL_LIMIT: '200' },
    );
    const channels = Array.from({ length: 50 }, (_, i) => String(500000000000000000n + BigInt(i)));
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, caller) => {
        while (next < 300) {
          const channel = channels[next++ % 50]!;
          expect((await send(running[caller % 3]!.url, channel)).statusCode).toBe(200);
        }
      }),
    );
    expect(fake.requests.length).toBe(300);
    expect(fake.limited).toEqual({ user: 0, global: 0 });
  });

  it('three instances keep one global limit per bot', async () => {
    const running = await start(3, { limit: 50, globalLimit: 10 }, { REST_GLOBAL_LIMIT: '10' });
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        send(running[i % 3]!.url, String(300000000000000000n + BigInt(i))),
      ),
    );
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(fake.limited).toEqual({ user: 0, global: 0 });
  });

  it('learned bucket hashes survive a restart', async () => {
    const [first] = await start(1, { hashOf: () => 'the-hash' });
    await send(first!.url, CHANNEL);
    const redis = new Redis(REDIS_URL!);
    await expect
      .poll(async () => (await redis.hgetall(`${prefix}hashes`)) as object)
      .toMatchObject({
        'POST /channels/:channel/messages': 'the-hash',
      });
    await redis.quit();
    await first!.close();
    proxies = [];
    const [second] = await start(1, {});
    const limiter = second!.proxy.limiter as import('../limiter/MemoryLimiter.js').MemoryLimiter;
    expect(limiter.hashOf(routeOf('POST', `/channels/${CHANNEL}/messages`).bucketRoute)).toBe('the-hash');
  });

  it('a token revoked through one instance is refused by the others', async () => {
    const running = await start(2, {
      answer: (r) =>
        r.headers.authorization === REVOKED
          ? { status: 401, body: { message: '401: Unauthorized' } }
          : undefined,
    });
    expect((await send(running[0]!.url, CHANNEL, REVOKED)).statusCode).toBe(401);
    await expect
      .poll(async () => (await send(running[1]!.url, CHANNEL, REVOKED)).headers['x-shardwire-refused'], {
        timeout: 5_000,
      })
      .toBe('token-revoked');
    expect(fake.requests.filter((r) => r.headers.authorization === REVOKED).length).toBeLessThanOrEqual(4);
    expect(running[1]!.guard.total()).toBeGreaterThanOrEqual(1);
  });
});
