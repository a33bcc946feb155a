/** The proxy's request path: what a request is (route, identity, body), then its `Exchange`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '@shardwire/core';
import type { Dispatcher } from 'undici';
import type { Limiter } from '../limiter/Limiter.js';
import { type Route, routeOf } from '../routes.js';
import { Exchange, ProxyHeaders, type RequestGuard } from './exchange.js';
import type { ProxyMetrics } from './metrics.js';
import { type ApiPath, upstreamHeaders } from './paths.js';

export { ProxyHeaders, type Refusal, type RequestGuard } from './exchange.js';

export interface ForwarderOptions {
  limiter: Limiter;
  upstream: Dispatcher;
  /** The upstream base path (`/api` for `https://discord.com/api`). */
  upstreamBasePath: string;
  /** `req` gives the client IP when there is no token (looked up only then: it costs a syscall). */
  identityOf(authorization: string | undefined, req: IncomingMessage): string;
  metrics: ProxyMetrics;
  logger: Logger;
  clock: Clock;
  guard?: RequestGuard;
  /** Bodies up to this size are kept so a 429 can be re-sent; bigger ones stream through once. */
  replayableBytes: number;
  /** Re-sends after a 429 before the 429 is returned as it came. */
  maxRetries: number;
}

const NO_BODY = new Set(['GET', 'HEAD']);

const ROUTE_CACHE_SIZE = 10_000;

export class Forwarder {
  /** By method, then path. */
  readonly #routes = new Map<string, Map<string, Route>>();
  #cachedRoutes = 0;

  constructor(private readonly options: ForwarderOptions) {}

  /** Handles one API request; once it has an `Exchange`, what fails unexpectedly is answered by it. */
  handle(req: IncomingMessage, res: ServerResponse, api: ApiPath): void {
    const { metrics, clock } = this.options;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = this.#routeOf(method, api.path);
    const identity = this.options.identityOf(req.headers.authorization, req);
    const deadlineMs = Number(req.headers[ProxyHeaders.deadline]);
    const exchange = new Exchange(
      this.options,
      {
        method,
        route,
        identity,
        label: metrics.routeLabel(route.bucketRoute),
        path: `${this.options.upstreamBasePath}${api.version}${api.path}${api.query}`,
        headers: upstreamHeaders(req.headers),
        deadline: Number.isFinite(deadlineMs) && deadlineMs >= 0 ? clock.now() + deadlineMs : undefined,
        return429: req.headers[ProxyHeaders.return429] === 'true',
      },
      res,
    );
    try {
      const refusal = this.options.guard?.check(route, identity);
      if (refusal) return void exchange.refuse(refusal);
      // A small body is read whole (so it can be re-sent); a big one (an upload) streams through.
      const length = NO_BODY.has(method) ? 0 : Number(req.headers['content-length']);
      if (length === 0) return void exchange.start(undefined);
      if (!Number.isFinite(length) || length > this.options.replayableBytes) return void exchange.start(req);
      readAll(req, (body) => {
        if (body === undefined || exchange.callerLeft) return void res.destroy(); // the caller left mid-body
        try {
          exchange.start(body);
        } catch (error) {
          exchange.fail(error);
        }
      });
    } catch (error) {
      exchange.fail(error);
    }
  }

  /**
   * `routeOf`, remembered for the paths a bot keeps using (its channels, guilds). Not for DELETE:
   * a message delete's route depends on the message's age.
   */
  #routeOf(method: string, path: string): Route {
    if (method === 'DELETE') return routeOf(method, path, this.options.clock.now());
    let byPath = this.#routes.get(method);
    if (byPath === undefined) {
      byPath = new Map();
      this.#routes.set(method, byPath);
    }
    let route = byPath.get(path);
    if (route === undefined) {
      if (this.#cachedRoutes >= ROUTE_CACHE_SIZE) {
        this.#routes.clear();
        this.#cachedRoutes = 0;
        return routeOf(method, path);
      }
      route = routeOf(method, path);
      byPath.set(path, route);
      this.#cachedRoutes++;
    }
    return route;
  }
}

/** Reads a body whole; `undefined` when the caller left before sending all of it. */
function readAll(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  let settled = false;
  const settle = (body: Buffer | undefined) => {
    if (settled) return;
    settled = true;
    done(body);
  };
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => settle(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.once('error', () => settle(undefined));
  req.once('close', () => {
    if (!req.complete) settle(undefined);
  });
}
