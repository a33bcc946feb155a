/**
 * Issue 8: 10x overload of the global limit against the simulator, through three rest-proxy
 * instances sharing Redis. The simulator runs with `limitScale: 1`: `limitScale` multiplies the
 * global *window* (1 s × scale) but keeps its count, so at 0.01 the global limit is "50 per 10 ms"
 * and no per-second limit in the proxy lines up with it. At scale 1 the bot's global limit is set to
 * 10/s (`PATCH /_sim/bots/:id { globalRateLimit }`) and the proxies get the same per-bot limit
 * (`REST_GLOBAL_LIMITS`), so the global limit binds long before any route bucket does.
 */
import { randomUUID } from 'node:crypto';
import { type RunningSimulator, startSimulator } from '@shardwire/simulator';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningRestProxy } from '../proxy/start.js';
import { deleteKeys, startProxies } from '../testing/proxies.js';
import { simulatorCounts } from '../testing/simulatorStats.js';

const REDIS_URL = process.env.REDIS_URL;
/** The bot's global limit in the simulator and in the proxies (requests per second). */
const GLOBAL = 10;
const CALLERS = 20;

describe.skipIf(!REDIS_URL)('the global limit, 10x overloaded through three rest-proxies', () => {
  const prefix = `test:rest:${randomUUID()}:`;
  let sim: RunningSimulator;
  let proxies: RunningRestProxy[] = [];
  let auth: string;
  const channels: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, limitScale: 1 });
    auth = `Bot ${sim.defaultBot.token}`;
    const patched = await request(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ globalRateLimit: GLOBAL }),
    });
    expect(patched.statusCode, await patched.body.text()).toBe(200);
    while (channels.length < 50) {
      const guild = sim.world.createGuild({ channels: 5 });
      channels.push(...sim.world.store.channelsOf(guild).map((c) => c.id));
    }
    proxies = await startProxies(3, {
      upstreamUrl: `${sim.url}/api`,
      redisUrl: REDIS_URL!,
      prefix,
      env: { REST_GLOBAL_LIMITS: `${sim.defaultBot.id}=${GLOBAL}` },
    });
  });

  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
    proxies = [];
    await sim?.close();
    await deleteKeys(REDIS_URL!, prefix);
  });

  interface Outcome {
    n: number;
    status: number;
    refused: string | undefined;
    deadlineMs: number | undefined;
    tookMs: number;
  }

  function send(n: number, deadlineMs: number | undefined): Promise<Outcome> {
    const started = performance.now();
    const channel = channels[n % channels.length]!;
    return request(`${proxies[n % 3]!.url}/api/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: {
        authorization: auth,
        'content-type': 'application/json',
        ...(deadlineMs === undefined ? {} : { 'x-shardwire-deadline-ms': String(deadlineMs) }),
      },
      body: JSON.stringify({ content: String(n) }),
    }).then(async (answer) => {
      await answer.body.dump();
      const refused = answer.headers['x-shardwire-refused'];
      return {
        n,
        status: answer.statusCode,
        refused: typeof refused === 'string' ? refused : undefined,
        deadlineMs,
        tookMs: performance.now() - started,
      };
    });
  }

  it(`${CALLERS} callers offering ${GLOBAL * 10}/s for 1 s: no global 429 reaches the simulator, each request succeeds or fails fast`, async () => {
    const before = await simulatorCounts(sim.url);
    // Open loop: every caller sends one request every 200 ms without waiting for answers, so the
    // offered rate is 20 × 5/s = 10x the global limit. One request in four has a 2 s deadline.
    const sent: Promise<Outcome>[] = [];
    for (let tick = 0; tick < 5; tick++) {
      for (let caller = 0; caller < CALLERS; caller++) {
        const n = tick * CALLERS + caller;
        sent.push(send(n, n % 4 === 3 ? 2_000 : 30_000));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const outcomes = await Promise.all(sent);
    const after = await simulatorCounts(sim.url);

    const ok = outcomes.filter((o) => o.status === 200);
    const refused = outcomes.filter((o) => o.status !== 200);
    // Every refusal is the proxy's own deadline 503, by its deadline (1 s of slack for a busy machine).
    for (const o of refused) {
      expect(o, JSON.stringify(o)).toMatchObject({ status: 503, refused: 'deadline', deadlineMs: 2_000 });
      expect(o.tookMs).toBeLessThan(2_000 + 1_000);
    }
    // Every request with a long deadline went through; some with the short one could not.
    expect(ok.filter((o) => o.deadlineMs === 30_000)).toHaveLength(75);
    expect(refused.length).toBeGreaterThan(0);
    // The simulator answered every request that went, and limited none of them.
    expect(after.status(200) - before.status(200)).toBe(ok.length);
    expect(after.limited('global') - before.limited('global')).toBe(0);
    expect(after.limited('user') - before.limited('user')).toBe(0);
    expect(after.status(429) - before.status(429)).toBe(0);
    console.info(
      `global 10x: ${ok.length} sent, ${refused.length} refused by deadline, simulator 429s: global ${
        after.limited('global') - before.limited('global')
      }, user ${after.limited('user') - before.limited('user')}`,
    );
  }, 60_000);

  it('the simulator does limit: the same burst straight to it earns global 429s', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // the last global window ends
    const before = await simulatorCounts(sim.url);
    await Promise.all(
      Array.from({ length: GLOBAL * 2 }, (_, n) =>
        request(`${sim.url}/api/v10/channels/${channels[n]!}/messages`, {
          method: 'POST',
          headers: { authorization: auth, 'content-type': 'application/json' },
          body: '{"content":"naive"}',
        }).then((answer) => answer.body.dump()),
      ),
    );
    const after = await simulatorCounts(sim.url);
    expect(after.limited('global') - before.limited('global')).toBe(GLOBAL);
  });
});
