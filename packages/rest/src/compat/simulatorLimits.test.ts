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
import { simulatorCounts } from '../testing/simulatorStats.js';

const REDIS_URL = process.env.REDIS_URL;
/** Discord's (and the simulator's) invalid requests per IP per (scaled) 10 minutes before a ban; a storm must stay under 1%. */
const INVALID_LIMIT = 10_000;

describe.skipIf(!REDIS_URL)('three rest-proxies in front of the simulator', () => {
  const prefix = `test:rest:${randomUUID()}:`;
  let sim: RunningSimulator;
  let proxies: RunningRestProxy[] = [];
  let auth: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, limitScale: 0.01, invalidRequestLimit: INVALID_LIMIT });
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

  const simulatorStatuses = async (status: number) => (await simulatorCounts(sim.url)).status(status);
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

  // 100 at once: even spread over a busy machine's second they overrun the 5-per-50 ms bucket.
  it('the simulator does limit: 100 messages at once straight to it earn 429s', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    const before = await simulator429s();
    await Promise.all(
      Array.from({ length: 100 }, () =>
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

  it('per instance, a bucket keeps its order; across instances it is not promised', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    // Request n goes to instance n % 3, 4 ms after request n - 1: about 250/s offered on a bucket of
    // 5 per 50 ms, so each instance's queue (and the shared bucket) stays full.
    const total = 90;
    const sent: Promise<void>[] = [];
    for (let n = 0; n < total; n++) {
      sent.push(
        request(`${proxies[n % 3]!.url}/api/v10/channels/${channel}/messages`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: JSON.stringify({ content: String(n) }),
        }).then(async (answer) => {
          const text = await answer.body.text();
          expect(answer.statusCode, text).toBe(200);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    await Promise.all(sent);
    const arrived = sim.world.store
      .messages(channel)!
      .all()
      .map((m) => Number(m.message.content));
    expect(arrived).toHaveLength(total);
    for (let instance = 0; instance < 3; instance++) {
      const own = arrived.filter((n) => n % 3 === instance);
      expect(own, `instance ${instance}`).toEqual([...own].sort((a, b) => a - b));
    }
    let inversions = 0;
    for (let i = 1; i < arrived.length; i++) if (arrived[i]! < arrived[i - 1]!) inversions++;
    console.info(`order across three instances: ${inversions} of ${total - 1} neighbours out of order`);
  });

  it('a storm with a revoked token and a deleted webhook stays under 1% of the invalid-request limit', async () => {
    const guild = sim.world.createGuild();
    const channel = sim.world.store.channelsOf(guild)[0]!.id;
    const created = await request(`${sim.url}/api/v10/channels/${channel}/webhooks`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: '{"name":"storm"}',
    });
    const webhook = (await created.body.json()) as { id: string; token: string };
    expect(created.statusCode).toBe(200);
    const execute = (i: number) =>
      request(`${proxies[i % 3]!.url}/api/v10/webhooks/${webhook.id}/${webhook.token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"content":"storm"}',
      });
    const alive = await execute(0);
    expect(alive.statusCode, await alive.body.text()).toBe(204);
    const deleted = await request(`${sim.url}/api/v10/webhooks/${webhook.id}`, {
      method: 'DELETE',
      headers: { authorization: auth },
    });
    expect(deleted.statusCode).toBe(204);
    await deleted.body.dump();

    const revoked = 'Bot MzMzMzMzMzMzMzMzMzMzMzMz.GAbCdE.dddddddddddddddddddddddddddddddddddddddd';
    const before = await simulatorCounts(sim.url);
    const executeRoute = 'POST /webhooks/:webhook_id/:webhook_token';
    await Promise.all(
      Array.from({ length: 20 }, async (_, caller) => {
        for (let i = caller; i < 400; i += 20) {
          const answer =
            i % 2 === 0
              ? await execute(i)
              : await request(`${proxies[i % 3]!.url}/api/v10/channels/${channel}/messages`, {
                  method: 'POST',
                  headers: { authorization: revoked, 'content-type': 'application/json' },
                  body: '{"content":"x"}',
                });
          expect(answer.statusCode).toBe(i % 2 === 0 ? 404 : 401);
          await answer.body.dump();
        }
      }),
    );
    const after = await simulatorCounts(sim.url);
    const invalid = after.invalid - before.invalid;
    const gone404s = after.routeStatus(executeRoute, 404) - before.routeStatus(executeRoute, 404);
    const unauthorized = after.status(401) - before.status(401);
    console.info(
      `storm of 400: simulator counted ${invalid} invalid (limit ${INVALID_LIMIT}), saw ${unauthorized} 401s and ${gone404s} webhook 404s`,
    );
    expect(invalid).toBeLessThan(INVALID_LIMIT / 100);
    // The token is probed by one request at a time across the instances, then refused locally.
    expect(unauthorized).toBeLessThanOrEqual(3);
    // The simulator does not count webhook 404s as invalid (Discord does): count them apart.
    expect(invalid + gone404s).toBeLessThan(INVALID_LIMIT / 100);
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
