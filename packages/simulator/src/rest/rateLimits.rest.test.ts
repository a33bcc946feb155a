/** Rate limits over HTTP: headers, 429 bodies by scope, per-bot global limits, the invalid-request ban, outages, stats. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST rate limits', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const firstChannel = async () => {
    const guilds = await h.control('GET', '/guilds');
    return guilds.body[0].channels[0].id as string;
  };
  const post = (token: string, path: string, body: unknown, method = 'POST') =>
    fetch(`${h.sim.restUrl}${path}`, {
      method,
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('sends bucket headers, then a user-scope 429 with Retry-After and the body, on both API versions', async () => {
    h = await startHarness({ guilds: 1 });
    const channel = await firstChannel();
    const token = h.sim.defaultBot.token;
    const responses: Response[] = [];
    for (let i = 0; i < 5; i++)
      responses.push(await post(token, `/channels/${channel}/messages`, { content: `${i}` }));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.map((r) => r.headers.get('x-ratelimit-remaining'))).toEqual(['4', '3', '2', '1', '0']);
    const bucket = responses[0]!.headers.get('x-ratelimit-bucket');
    expect(bucket).toMatch(/^[0-9a-f]{32}$/);
    expect(responses[0]!.headers.get('x-ratelimit-limit')).toBe('5');
    expect(Number(responses[0]!.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(4);

    // v9 shares the bucket with v10.
    const limited = await fetch(`${h.sim.url}/api/v9/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'too many' }),
    });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');
    expect(limited.headers.get('x-ratelimit-bucket')).toBe(bucket);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-global')).toBeNull();
    const body = (await limited.json()) as { retry_after: number };
    expect(body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(body.retry_after).toBeGreaterThan(0);
    expect(body.retry_after).toBeLessThanOrEqual(5);

    const messages = await h.control('GET', `/channels/${channel}/messages`);
    expect(messages.body).toHaveLength(5);
    const stats = await h.control('GET', '/stats');
    expect(stats.body.rest['POST /channels/:channel_id/messages']).toEqual({ '200': 5, '429': 1 });
    expect(stats.body.rateLimits.byScope).toEqual({ user: 1 });
    expect(stats.body.rateLimits.invalidRequests['127.0.0.1'].invalid).toBe(1);
  });

  it('answers a per-bot global limit set through /_sim/bots with a global 429, not for interaction-exempt bots', async () => {
    h = await startHarness({ guilds: 1 });
    const bot = await h.control('POST', '/bots', { username: 'slow', globalRateLimit: 3 });
    expect(bot.status).toBe(201);
    const statuses: number[] = [];
    let global: Response | undefined;
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${h.sim.restUrl}/users/@me`, {
        headers: { authorization: `Bot ${bot.body.token}` },
      });
      statuses.push(response.status);
      if (response.status === 429) global = response;
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(global!.headers.get('x-ratelimit-global')).toBe('true');
    expect(global!.headers.get('x-ratelimit-scope')).toBe('global');
    expect(await global!.json()).toMatchObject({ message: 'You are being rate limited.', global: true });
    // The default bot is not affected.
    expect((await h.rest()('GET', '/users/@me')).status).toBe(200);
    const stats = await h.control('GET', '/stats');
    expect(stats.body.rateLimits.globalLimits).toEqual({ [bot.body.id]: 3 });
    expect(stats.body.rateLimits.byScope).toEqual({ global: 1 });
  });

  it('limits channel renames per channel for every caller with shared-scope 429s that are not invalid requests', async () => {
    h = await startHarness({ guilds: 1 });
    const channel = await firstChannel();
    const token = h.sim.defaultBot.token;
    const rename = (name: string) => post(token, `/channels/${channel}`, { name }, 'PATCH');
    expect((await rename('one')).status).toBe(200);
    expect((await rename('two')).status).toBe(200);
    const shared = await rename('three');
    expect(shared.status).toBe(429);
    expect(shared.headers.get('x-ratelimit-scope')).toBe('shared');
    expect(shared.headers.get('retry-after')).toBe('600');
    expect(shared.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(await shared.json()).toEqual({
      message: 'The resource is being rate limited.',
      retry_after: expect.any(Number),
      global: false,
    });
    // Same name again is no rename, and not limited.
    expect((await rename('two')).status).toBe(200);
    const stats = await h.control('GET', '/stats');
    expect(stats.body.rateLimits.byScope).toEqual({ shared: 1 });
    expect(stats.body.rateLimits.invalidRequests).toEqual({});
  });

  it('bans an IP past the invalid-request threshold with Cloudflare 1015 on every request', async () => {
    // limitScale 0.01: a 6 s window and a 36 s ban; 100 invalid requests allowed in it.
    h = await startHarness({ guilds: 1, limitScale: 0.01, invalidRequestLimit: 100 });
    for (let i = 0; i < 101; i++) {
      const response = await fetch(`${h.sim.restUrl}/users/@me`, { headers: { authorization: 'Bot wrong' } });
      expect(response.status).toBe(401);
    }
    const banned = await h
      .rest()('GET', '/users/@me')
      .catch(() => undefined);
    const raw = await fetch(`${h.sim.restUrl}/gateway`);
    expect(raw.status).toBe(429);
    expect(await raw.text()).toBe('error code: 1015');
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(raw.headers.get('x-ratelimit-scope')).toBeNull();
    expect(banned).toBeUndefined(); // not JSON
    const stats = await h.control('GET', '/stats');
    expect(stats.body.rateLimits.bannedResponses).toBe(2);
    expect(stats.body.rateLimits.invalidRequests['127.0.0.1']).toMatchObject({ invalid: 101, bans: 1 });
  });

  it('turns off with rateLimits: false (no headers, no 429)', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const channel = await firstChannel();
    for (let i = 0; i < 8; i++) {
      const response = await post(h.sim.defaultBot.token, `/channels/${channel}/messages`, {
        content: `${i}`,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-bucket')).toBeNull();
    }
    expect((await h.control('GET', '/stats')).body.rateLimits.enabled).toBe(false);
  });

  it('answers every API request with the outage status while one lasts', async () => {
    h = await startHarness({ guilds: 1 });
    const started = await h.control('POST', '/rest/outage', { status: 502, seconds: 60 });
    expect(started.status).toBe(200);
    expect(started.body.status).toBe(502);
    expect(await h.rest()('GET', '/users/@me')).toEqual({
      status: 502,
      body: { code: 0, message: '502: Bad Gateway' },
    });
    expect((await h.control('GET', '/stats')).body.rateLimits.outage).toBe(502);
    expect((await h.control('POST', '/rest/outage', { seconds: 0 })).status).toBe(200);
    expect((await h.rest()('GET', '/users/@me')).status).toBe(200);
    expect((await h.control('POST', '/rest/outage', { status: 418, seconds: 1 })).status).toBe(400);
  });
});
