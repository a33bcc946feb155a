import { once } from 'node:events';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { createLogger } from '@shardwire/core';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidRequestGuard } from '../guard/InvalidRequestGuard.js';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import type { Route } from '../routes.js';
import { type FakeDiscord, type FakeDiscordOptions, startFakeDiscord } from '../testing/fakeDiscord.js';
import { RestProxy, type RestProxyOptions } from './RestProxy.js';

const BOT_A = 'Bot MTExMTExMTExMTExMTExMTEx.GAbCdE.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const BOT_B = 'Bot MjIyMjIyMjIyMjIyMjIyMjIy.GAbCdE.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const CHANNEL = '222222222222222222';
let fake: FakeDiscord;
let proxy: RestProxy;
let base: string;

async function setup(fakeOptions: FakeDiscordOptions = {}, proxyOptions: RestProxyOptions = {}) {
  fake = await startFakeDiscord(fakeOptions);
  proxy = new RestProxy({
    upstreamUrl: `${fake.url}/api`,
    logger: createLogger({ name: 'test', level: 'silent' }),
    ...proxyOptions,
  });
  base = await proxy.listen(0);
}

afterEach(async () => {
  await proxy?.close(200); // idle keep-alive sockets of the test client need no 2 s grace
  await fake?.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: BOT_A, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('RestProxy forwarding', () => {
  it('forwards method, path, query, headers and body, and returns the answer as it came', async () => {
    await setup();
    const answer = await post(
      `/api/v10/channels/${CHANNEL}/messages?wait=true`,
      { content: 'hi' },
      {
        'x-audit-log-reason': 'why',
      },
    );
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['x-ratelimit-bucket']).toBeDefined();
    expect(answer.headers['x-ratelimit-limit']).toBe('5');
    expect(await answer.body.json()).toMatchObject({ path: `/channels/${CHANNEL}/messages?wait=true` });
    const seen = fake.requests[0]!;
    expect(seen.url).toBe(`/api/v10/channels/${CHANNEL}/messages?wait=true`);
    expect(seen.headers.authorization).toBe(BOT_A);
    expect(seen.headers['x-audit-log-reason']).toBe('why');
    expect(seen.body.toString()).toBe('{"content":"hi"}');
  });

  it('serves v9 and unversioned OAuth2 routes, and 404s anything else', async () => {
    await setup();
    expect(
      (await request(`${base}/api/v9/users/@me`, { headers: { authorization: BOT_A } })).statusCode,
    ).toBe(200);
    const token = await request(`${base}/api/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    expect(token.statusCode).toBe(200);
    expect(fake.requests.map((r) => r.url)).toEqual(['/api/v9/users/@me', '/api/oauth2/token']);
    const other = await request(`${base}/nope`);
    expect(other.statusCode).toBe(404);
    await other.body.dump();
  });

  it('returns Discord errors with their status, headers and body untouched', async () => {
    await setup({
      answer: () => ({
        status: 403,
        headers: { 'x-custom': 'yes' },
        body: { code: 50013, message: 'Missing Permissions' },
      }),
    });
    const answer = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(answer.statusCode).toBe(403);
    expect(answer.headers['x-custom']).toBe('yes');
    expect(await answer.body.json()).toEqual({ code: 50013, message: 'Missing Permissions' });
  });

  it('streams a 5 MB upload through without holding it for replay', async () => {
    await setup();
    const size = 5 * 1024 * 1024;
    const answer = await request(`${base}/api/v10/channels/${CHANNEL}/messages`, {
      method: 'POST',
      headers: {
        authorization: BOT_A,
        'content-type': 'multipart/form-data; boundary=x',
        'content-length': String(size),
      },
      body: Buffer.alloc(size, 1),
    });
    expect(answer.statusCode).toBe(200);
    expect(await answer.body.json()).toMatchObject({ bytes: size });
    expect(fake.requests[0]!.bodyBytes).toBe(size);
  });

  it('streams the answer back as upstream sends it', async () => {
    const chunks = ['{"a":', '1}'];
    const upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(chunks[0]);
      setImmediate(() => res.end(chunks[1]));
    });
    upstream.listen(0, '127.0.0.1');
    await once(upstream, 'listening');
    fake = await startFakeDiscord();
    proxy = new RestProxy({
      upstreamUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api`,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    base = await proxy.listen(0);
    const answer = await request(`${base}/api/v10/gateway`);
    expect(answer.headers['transfer-encoding']).toBe('chunked');
    expect(await answer.body.json()).toEqual({ a: 1 });
    upstream.closeAllConnections();
    upstream.close();
  });
});

describe('RestProxy rate limits', () => {
  it('lets 60 concurrent callers send to one channel without one 429 reaching Discord', async () => {
    await setup({ limit: 5, windowMs: 100 });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post(`/api/v10/channels/${CHANNEL}/messages`, { content: String(i) }),
      ),
    );
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      await answer.body.dump();
    }
    expect(fake.requests.length).toBe(60);
    expect(fake.limited).toEqual({ user: 0, global: 0 });
  });

  it('re-queues an upstream 429 invisibly, or returns it when asked to', async () => {
    let limitedOnce = 0;
    await setup({
      answer: (r) => {
        if (r.headers['x-test'] !== 'limit' || limitedOnce++ % 2 === 1) return undefined;
        return {
          status: 429,
          headers: { 'retry-after': '0', 'x-ratelimit-scope': 'shared' },
          body: { message: 'You are being rate limited.', retry_after: 0, global: false },
        };
      },
    });
    const invisible = await post(`/api/v10/channels/${CHANNEL}/messages`, {}, { 'x-test': 'limit' });
    expect(invisible.statusCode).toBe(200);
    await invisible.body.dump();
    const visible = await post(
      `/api/v10/channels/${CHANNEL}/messages`,
      {},
      {
        'x-test': 'limit',
        'x-shardwire-return-429': 'true',
      },
    );
    expect(visible.statusCode).toBe(429);
    expect(visible.headers['x-ratelimit-scope']).toBe('shared');
    await visible.body.dump();
    expect(fake.requests.length).toBe(3);
    expect(fake.requests.every((r) => r.headers['x-shardwire-return-429'] === undefined)).toBe(true);
  });

  it('answers a fast 503 with Retry-After when the deadline cannot be met', async () => {
    await setup({ limit: 1, windowMs: 60_000 });
    const first = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    await first.body.dump();
    const late = await post(
      `/api/v10/channels/${CHANNEL}/messages`,
      {},
      { 'x-shardwire-deadline-ms': '500' },
    );
    expect(late.statusCode).toBe(503);
    expect(late.headers['x-shardwire-refused']).toBe('deadline');
    expect(Number(late.headers['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(await late.body.json()).toMatchObject({ retry_after: expect.any(Number) });
    expect(fake.requests.length).toBe(1);
  });

  it('frees the place of a caller that disconnects while waiting', async () => {
    await setup({ limit: 1, windowMs: 60_000 });
    const first = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    await first.body.dump();
    const controller = new AbortController();
    const waiting = request(`${base}/api/v10/channels/${CHANNEL}/messages`, {
      method: 'POST',
      headers: { authorization: BOT_A },
      body: '{}',
      signal: controller.signal,
    }).catch(() => 'aborted');
    await expect.poll(() => proxy.limiter.stats().queued).toBe(1);
    controller.abort();
    expect(await waiting).toBe('aborted');
    await expect.poll(() => proxy.limiter.stats().queued).toBe(0);
    expect(fake.requests.length).toBe(1);
  });

  it('keeps two bots apart: one bot over its global limit does not hold the other', async () => {
    await setup({ globalLimit: 1000 }, { limiter: new MemoryLimiter({ globalLimit: 2 }) });
    const channel = (i: number) => String(300000000000000000n + BigInt(i));
    const flood = Array.from({ length: 5 }, (_, i) =>
      request(`${base}/api/v10/channels/${channel(i)}/messages`, {
        method: 'POST',
        headers: { authorization: BOT_A },
        body: '{}',
      }),
    );
    await expect.poll(() => proxy.limiter.stats().queued).toBeGreaterThan(0);
    const other = await request(`${base}/api/v10/channels/${channel(99)}/messages`, {
      method: 'POST',
      headers: { authorization: BOT_B },
      body: '{}',
    });
    expect(other.statusCode).toBe(200);
    await other.body.dump();
    // Bot B's request went while bot A's flood was still held by A's global limit.
    expect(proxy.limiter.stats().queued).toBeGreaterThan(0);
    for (const answer of await Promise.all(flood)) await answer.body.dump();
  });
});

describe('RestProxy safety', () => {
  it('stops a storm with a revoked token and a deleted webhook after their first answer', async () => {
    const webhook = `/api/v10/webhooks/111111111111111111/${'w'.repeat(68)}`;
    await setup(
      {
        answer: (r) =>
          r.url.startsWith('/api/v10/webhooks/')
            ? { status: 404, body: { message: 'Unknown Webhook', code: 10015 } }
            : r.headers.authorization === BOT_B
              ? { status: 401, body: { message: '401: Unauthorized', code: 0 } }
              : undefined,
      },
      { guard: new InvalidRequestGuard() },
    );
    for (let i = 0; i < 20; i++) {
      const revoked = await request(`${base}/api/v10/channels/${CHANNEL}/messages`, {
        method: 'POST',
        headers: { authorization: BOT_B },
        body: '{}',
      });
      expect(revoked.statusCode).toBe(401);
      await revoked.body.dump();
      const gone = await post(webhook, { content: 'x' });
      expect(gone.statusCode).toBe(404);
      expect((await gone.body.json()) as object).toMatchObject({ code: 10015 });
    }
    expect(fake.requests.length).toBe(2);
    const fine = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(fine.statusCode).toBe(200);
    await fine.body.dump();
  });

  it('refuses the requests that queued behind the one that found the token revoked', async () => {
    await setup(
      {
        answer: (r) =>
          r.headers.authorization === BOT_B
            ? { status: 401, body: { message: '401: Unauthorized', code: 0 } }
            : undefined,
      },
      { guard: new InvalidRequestGuard() },
    );
    // 20 at once: one probes the unknown bucket, the rest wait for its answer, then are refused.
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        request(`${base}/api/v10/channels/${CHANNEL}/messages`, {
          method: 'POST',
          headers: { authorization: BOT_B },
          body: '{}',
        }).then(async (answer) => {
          await answer.body.dump();
          return `${answer.statusCode} ${answer.headers['x-shardwire-refused'] ?? 'upstream'}`;
        }),
      ),
    );
    expect(statuses.filter((s) => s === '401 upstream')).toHaveLength(1);
    expect(statuses.filter((s) => s === '401 token-revoked')).toHaveLength(19);
    expect(fake.requests.length).toBe(1);
  });

  it('never re-sends a POST whose upstream attempt broke off, but re-sends a GET', async () => {
    await setup({
      answer: (r) => {
        if (r.headers['x-test'] !== 'drop') return undefined;
        throw new Error('drop');
      },
    });
    const dropping = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.socket?.destroy());
    });
    dropping.listen(0, '127.0.0.1');
    await once(dropping, 'listening');
    await proxy.close();
    proxy = new RestProxy({
      upstreamUrl: `http://127.0.0.1:${(dropping.address() as AddressInfo).port}/api`,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    base = await proxy.listen(0);
    let seen = 0;
    dropping.on('request', () => seen++);
    const answer = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(answer.statusCode).toBe(502);
    await answer.body.dump();
    expect(seen).toBe(1);
    const get = await request(`${base}/api/v10/channels/${CHANNEL}`, { headers: { authorization: BOT_A } });
    expect(get.statusCode).toBe(502);
    await get.body.dump();
    expect(seen).toBe(1 + 4); // the first attempt and three re-sends
    dropping.closeAllConnections();
    dropping.close();
  });

  it('requires the shared secret when one is set, and never forwards it', async () => {
    await setup({}, { secret: 's3cret' });
    const without = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(without.statusCode).toBe(401);
    expect(without.headers['x-shardwire-refused']).toBe('secret');
    await without.body.dump();
    const wrong = await post(`/api/v10/channels/${CHANNEL}/messages`, {}, { 'x-shardwire-secret': 's3creT' });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    const right = await post(`/api/v10/channels/${CHANNEL}/messages`, {}, { 'x-shardwire-secret': 's3cret' });
    expect(right.statusCode).toBe(200);
    await right.body.dump();
    expect(fake.requests.length).toBe(1);
    expect(fake.requests[0]!.headers['x-shardwire-secret']).toBeUndefined();
  });

  it('serves /metrics and /healthz without the token in them', async () => {
    await setup();
    await (await post(`/api/v10/channels/${CHANNEL}/messages`, {})).body.dump();
    const metrics = await (await request(`${base}/metrics`)).body.text();
    expect(metrics).toContain(
      'shardwire_rest_requests_total{route="POST /channels/:channel/messages",status="200"',
    );
    expect(metrics).not.toContain(BOT_A.slice(4));
    const health = await request(`${base}/healthz`);
    expect(health.statusCode).toBe(200);
    expect(await health.body.json()).toMatchObject({ ok: true });
  });

  it('sends nothing upstream for a caller that leaves in the middle of its body', async () => {
    await setup();
    const { port } = new URL(base);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      `POST /api/v10/channels/${CHANNEL}/messages HTTP/1.1\r\nhost: x\r\nauthorization: ${BOT_A}\r\n` +
        'content-type: application/json\r\ncontent-length: 100\r\n\r\n{"content":',
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.requests.length).toBe(0);
    const next = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(next.statusCode).toBe(200);
    await next.body.dump();
  });

  it('answers 500 when its request path throws, at once or after a wait, and frees its place', async () => {
    let checks = 0;
    // Each request is checked twice (on arrival, then just before it goes): the 1st and 3rd requests' second check throws.
    const guard = {
      check(_route: Route, _identity: string) {
        checks++;
        if (checks === 2 || checks === 6) throw new Error('guard broke');
        return undefined;
      },
      record() {},
    };
    await setup({ limit: 1, windowMs: 300 }, { guard });
    const send = () => post(`/api/v10/channels/${CHANNEL}/messages`, {});
    const atOnce = await send(); // the bucket's probe, at once
    expect(atOnce.statusCode).toBe(500);
    expect(await atOnce.body.json()).toEqual({ message: 'rest-proxy error', code: 0 });
    const learns = await send(); // the probe again (the failed one's place was freed): 1 per window
    expect(learns.statusCode).toBe(200);
    await learns.body.dump();
    const afterWait = await send(); // waits for the next window
    expect(afterWait.statusCode).toBe(500);
    await afterWait.body.dump();
    const sent = await send();
    expect(sent.statusCode).toBe(200);
    await sent.body.dump();
    expect(fake.requests.length).toBe(2);
    expect(proxy.limiter.stats()).toMatchObject({ queued: 0, inFlight: 0 });
  });

  it('answers 500 when re-queuing a 429 throws (the re-send starts inside undici’s callback)', async () => {
    let checks = 0;
    const guard = {
      check(_route: Route, _identity: string) {
        if (++checks === 3) throw new Error('guard broke'); // the re-send's check
        return undefined;
      },
      record() {},
    };
    let limited = 0;
    await setup(
      {
        answer: () =>
          limited++ === 0
            ? { status: 429, headers: { 'retry-after': '0', 'x-ratelimit-scope': 'shared' }, body: {} }
            : undefined,
      },
      { guard },
    );
    const answer = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(answer.statusCode).toBe(500);
    await answer.body.dump();
    expect(fake.requests.length).toBe(1);
    const next = await post(`/api/v10/channels/${CHANNEL}/messages`, {});
    expect(next.statusCode).toBe(200);
    await next.body.dump();
  });
});
