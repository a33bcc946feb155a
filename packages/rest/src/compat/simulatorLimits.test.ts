/**
 * Issue 8's overload tests against the simulator's own rate limits (scaled down 100x): three
 * rest-proxy instances sharing Redis, 20 callers, and no 429 may reach the simulator.
 */
import { randomUUID } from 'node:crypto';
import { type RunningSimulator, startSimulator } from '@shardwire/simulator';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRestProxy } from '../proxy/start.js';
import { deleteKeys, startProxies } from '../testing/proxies.js';

const REDIS_URL = process.env.REDIS_URL;

describe.skipIf(!REDIS_URL)('three rest-proxies in front of the simulator', () => {
  const prefix = `test:rest:${randomUUID()}:`;
  let sim: RunningSimulator;
  let proxies: RunningRestProxy[] = [];
  let auth: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, limitScale: 0.01 });
    auth = `Bot ${sim.defaultBot.token}`;
    proxies = await startProxies(3, {
      upstreamUrl: `${sim.url}/api`,
      redisUrl: REDIS_URL!,
      prefix,
      env: { REST_GLOBAL_LIMIT: '200' },
    });
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    proxies = [];
    await sim?.close();
    await deleteKeys(REDIS_URL!, prefix);
  });

  async function simulatorStatuses(status: number): Promise<number> {
    const stats = (await (await request(`${sim.url}/_sim/stats`)).body.json()) as {
      rest: Record<string, Record<string, number>>;
    };
    return Object.values(stats.rest).reduce((sum, byStatus) => sum + (byStatus[String(status)] ?? 0), 0);
  }

  const simulator429s = () => simulatorStatuses(429);

  /** `total` message creates from 20 callers spread over the three proxies; each must succeed. */
  async function flood(channels: string[], total: number) {
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, caller) => {
        while (next < total) {
          const n = next++;
          const channel = channels[n % channels.length]!;
          const answer = await request(`${proxies[caller % 3]!.url}/api/v10/channels/${channel}/messages`, {
            method: 'POST',
            headers: { authorization: auth, 'content-type': 'application/json' },
            body: JSON.stringify({ content: String(n) }),
          });
          const text = await answer.body.text();
          expect(answer.statusCode, text).toBe(200);
        }
      }),
    );
  }

  it('the simulator does limit: 20 messages at once straight to it earn 429s', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    const before = await simulator429s();
    await Promise.all(
      Array.from({ length: 20 }, () =>
        request(`${sim.url}/api/v10/channels/${channel}/messages`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: '{"content":"naive"}',
        }).then((answer) => answer.body.dump()),
      ),
    );
    expect((await simulator429s()) - before).toBeGreaterThan(0);
  });

  it('10x overload of one channel: every message goes, no 429 reaches the simulator', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    const before = await simulator429s();
    await flood([channel], 100);
    expect(sim.world.store.messages(channel)?.size).toBe(100);
    expect((await simulator429s()) - before).toBe(0);
  });

  it('a mix of 50 routes: no 429 reaches the simulator', async () => {
    const channels: string[] = [];
    while (channels.length < 50) {
      const guild = sim.world.createGuild({ channels: 5 });
      channels.push(...sim.world.store.channelsOf(guild).map((c) => c.id));
    }
    const before = await simulator429s();
    await flood(channels.slice(0, 50), 300);
    expect((await simulator429s()) - before).toBe(0);
  });

  it('a storm with a revoked token reaches the simulator once', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    const revoked = 'Bot MzMzMzMzMzMzMzMzMzMzMzMz.GAbCdE.cccccccccccccccccccccccccccccccccccccccc';
    const before = await simulatorStatuses(401);
    for (let i = 0; i < 200; i++) {
      const answer = await request(`${proxies[i % 3]!.url}/api/v10/channels/${channel}/messages`, {
        method: 'POST',
        headers: { authorization: revoked, 'content-type': 'application/json' },
        body: '{"content":"x"}',
      });
      expect(answer.statusCode).toBe(401);
      await answer.body.dump();
    }
    // One per instance at most: each learns the mark from its own 401 or from Redis.
    expect((await simulatorStatuses(401)) - before).toBeLessThanOrEqual(3);
  });
});
