/** The rest-proxy: Discord's HTTP API on node:http, every request through one shared rate limiter. */

import { timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Clock,
  createLogger,
  createMetricsRegistry,
  type Logger,
  type Registry,
  systemClock,
} from '@shardwire/core';
import { Pool } from 'undici';
import { identityOf } from '../limiter/identity.js';
import type { Limiter } from '../limiter/Limiter.js';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import { failed } from './exchange.js';
import { Forwarder, ProxyHeaders, type RequestGuard } from './forward.js';
import { createProxyMetrics } from './metrics.js';

export interface RestProxyOptions {
  /** Where Discord is: `https://discord.com/api` (default), or the simulator's `/api`. */
  upstreamUrl?: string;
  limiter?: Limiter;
  guard?: RequestGuard;
  /** Callers must send it in `X-Shardwire-Secret` when set. */
  secret?: string;
  /** Keep-alive connections to upstream (default 128). */
  connections?: number;
  timeoutMs?: number;
  replayableBytes?: number;
  maxRetries?: number;
  clock?: Clock;
  logger?: Logger;
  registry?: Registry;
  /** Extra health detail (e.g. Redis), merged into `/healthz`. */
  health?: () => Promise<{ ok: boolean; [detail: string]: unknown }>;
}

export class RestProxy {
  readonly server: Server;
  readonly registry: Registry;
  readonly limiter: Limiter;
  readonly #forwarder: Forwarder;
  readonly #upstream: Pool;
  readonly #secret: Buffer | undefined;
  readonly #logger: Logger;
  readonly #health: RestProxyOptions['health'];
  readonly #identities = new Map<string, string>();

  constructor(options: RestProxyOptions = {}) {
    const upstream = new URL(options.upstreamUrl ?? 'https://discord.com/api');
    const clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? createLogger({ name: 'rest-proxy' });
    this.registry = options.registry ?? createMetricsRegistry('rest-proxy');
    this.limiter = options.limiter ?? new MemoryLimiter({ clock });
    this.#upstream = new Pool(upstream.origin, {
      connections: options.connections ?? 128,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      headersTimeout: options.timeoutMs ?? 15_000,
      bodyTimeout: options.timeoutMs ?? 15_000,
    });
    this.#secret = options.secret ? Buffer.from(options.secret) : undefined;
    this.#health = options.health;
    this.#forwarder = new Forwarder({
      limiter: this.limiter,
      upstream: this.#upstream,
      upstreamBasePath: upstream.pathname.replace(/\/$/, ''),
      identityOf: (authorization, req) => this.#identityOf(authorization, req),
      metrics: createProxyMetrics(this.registry, this.limiter),
      logger: this.#logger,
      clock,
      guard: options.guard,
      replayableBytes: options.replayableBytes ?? 1 << 20,
      maxRetries: options.maxRetries ?? 3,
    });
    this.server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.#route(req, res));
  }

  /** Listens; resolves to the proxy's base URL (append `/api`). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server.listen(port, host);
    await once(this.server, 'listening');
    const address = this.server.address() as AddressInfo;
    // Bound to every interface: name one a caller on this machine can reach.
    const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
    return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${address.port}`;
  }

  /** Stops accepting, lets answers in progress finish (up to `graceMs`), then closes what is left. */
  async close(graceMs = 2_000): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      const idle = setInterval(() => this.server.closeIdleConnections(), 50);
      const force = setTimeout(() => this.server.closeAllConnections(), graceMs);
      this.server.once('close', () => {
        clearInterval(idle);
        clearTimeout(force);
      });
    });
    this.limiter.close();
    await this.#upstream.close();
  }

  #route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    if (url === '/metrics' || url === '/healthz') {
      void this.#ops(url, res);
      return;
    }
    const target = this.#forwarder.targetOf(url);
    if (!target) {
      plain(res, 404, { message: '404: Not Found', code: 0 });
      return;
    }
    if (this.#secret && !this.#secretMatches(req.headers[ProxyHeaders.secret])) {
      plain(res, 401, { message: 'the rest-proxy secret is missing or wrong', code: 0 }, 'secret');
      return;
    }
    try {
      this.#forwarder.handle(req, res, target);
    } catch (error) {
      failed(res, this.#logger, error);
    }
  }

  async #ops(url: string, res: ServerResponse): Promise<void> {
    if (url === '/metrics') {
      const text = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType });
      res.end(text);
      return;
    }
    const health = (await this.#health?.()) ?? { ok: true };
    plain(res, health.ok ? 200 : 503, { ...health, limiter: this.limiter.stats() });
  }

  #secretMatches(value: string | string[] | undefined): boolean {
    if (typeof value !== 'string') return false;
    const given = Buffer.from(value);
    return given.length === this.#secret!.length && timingSafeEqual(given, this.#secret!);
  }

  /** Token digests are cached: hashing a token per request is the hot path's biggest cost. */
  #identityOf(authorization: string | undefined, req: IncomingMessage): string {
    if (!authorization) return identityOf(undefined, req.socket.remoteAddress ?? 'unknown');
    let identity = this.#identities.get(authorization);
    if (identity === undefined) {
      if (this.#identities.size >= 10_000) this.#identities.clear();
      identity = identityOf(authorization);
      this.#identities.set(authorization, identity);
    }
    return identity;
  }
}

function plain(res: ServerResponse, status: number, body: unknown, refused?: string): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...(refused ? { [ProxyHeaders.refused]: refused } : {}),
  });
  res.end(payload);
}
