/** A tiny Discord stand-in for tests: per-bucket and global limits with Discord's headers and 429s. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeOf } from '../routes.js';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  body: Buffer;
  at: number;
  /** The status it was answered with. */
  status?: number;
}

export interface FakeAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeDiscordOptions {
  /** Requests per bucket window (default 5). */
  limit?: number;
  windowMs?: number;
  /** Requests per second per Authorization (default 50). */
  globalLimit?: number;
  /** Maps a bucket route to Discord's hash (default: each route its own bucket). */
  hashOf?: (bucketRoute: string) => string;
  /** Answers a request instead of the default (return undefined for the default). */
  answer?: (request: RecordedRequest) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;
}

export interface FakeDiscord {
  url: string;
  requests: RecordedRequest[];
  /** Counts of 429s sent, by scope. */
  limited: { user: number; global: number };
  close(): Promise<void>;
}

export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const limit = options.limit ?? 5;
  const windowMs = options.windowMs ?? 1000;
  const globalLimit = options.globalLimit ?? 50;
  const buckets = new Map<string, { count: number; resetAt: number }>();
  const globals = new Map<string, { count: number; resetAt: number }>();
  const requests: RecordedRequest[] = [];
  const limited = { user: 0, global: 0 };

  const take = (map: typeof buckets, key: string, max: number, window: number, now: number) => {
    let state = map.get(key);
    if (!state || state.resetAt <= now) {
      state = { count: 0, resetAt: now + window };
      map.set(key, state);
    }
    if (state.count >= max) return { ok: false, state };
    state.count++;
    return { ok: true, state };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const now = Date.now();
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      bodyBytes: body.length,
      body,
      at: now,
    };
    requests.push(recorded);
    const scripted = await options.answer?.(recorded);
    if (scripted) {
      recorded.status = scripted.status;
      return send(res, scripted);
    }
    const path = recorded.url.replace(/^\/api(\/v\d+)?/, '');
    const route = routeOf(recorded.method, path, now);
    const auth = String(req.headers.authorization ?? '');
    const global = take(globals, auth, globalLimit, 1000, now);
    if (!global.ok) {
      limited.global++;
      recorded.status = 429;
      const retry = (global.state.resetAt - now) / 1000;
      return send(res, {
        status: 429,
        headers: {
          'retry-after': String(Math.ceil(retry)),
          'x-ratelimit-global': 'true',
          'x-ratelimit-scope': 'global',
        },
        body: { message: 'You are being rate limited.', retry_after: retry, global: true },
      });
    }
    const hash = options.hashOf?.(route.bucketRoute) ?? Buffer.from(route.bucketRoute).toString('base64url');
    const bucket = take(buckets, `${hash}|${route.major}|${auth}`, limit, windowMs, now);
    const resetAfter = (bucket.state.resetAt - now) / 1000;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - bucket.state.count)),
      'x-ratelimit-reset-after': resetAfter.toFixed(3),
      'x-ratelimit-reset': (bucket.state.resetAt / 1000).toFixed(3),
      'x-ratelimit-bucket': hash,
    };
    if (!bucket.ok) {
      limited.user++;
      recorded.status = 429;
      return send(res, {
        status: 429,
        headers: { ...headers, 'retry-after': String(Math.ceil(resetAfter)), 'x-ratelimit-scope': 'user' },
        body: { message: 'You are being rate limited.', retry_after: resetAfter, global: false },
      });
    }
    const status = recorded.method === 'DELETE' ? 204 : 200;
    recorded.status = status;
    return send(res, {
      status,
      headers,
      body:
        status === 204
          ? undefined
          : { id: String(requests.length), method: recorded.method, path, bytes: body.length },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.statusCode = 500;
      res.end(error.message);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    limited,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  const payload = answer.body === undefined ? undefined : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
    ...answer.headers,
  });
  res.end(payload);
}
