/** The proxy's request path: what a request is (route, identity, body), then its `Exchange`. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '@shardwire/core';
import type { Dispatcher } from 'undici';
import type { Limiter } from '../limiter/Limiter.js';
import { type Route, routeOf } from '../routes.js';
import { Exchange, ProxyHeaders, type RequestGuard } from './exchange.js';
import type { ProxyMetrics } from './metrics.js';
import { type ApiPath, parseApiPath, upstreamHeaders } from './paths.js';

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

/** URLs whose target is remembered: a bot keeps using the same few (its channels, guilds). */
const TARGET_CACHE_SIZE = 10_000;

/** An incoming Discord API URL as the proxy sends it on, remembered per URL (`Forwarder.targetOf`). */
export interface Target {
  api: ApiPath;
  /** Upstream base path + version + path + query. */
  upstreamPath: string;
  /** The route and its metrics label by method, made on first use (but DELETE's, see `#routeOf`). */
  routes: Map<string, { route: Route; label: string }>;
}

export class Forwarder {
  /** `null`: not a Discord API URL (a 404). */
  readonly #targets = new Map<string, Target | null>();

  constructor(private readonly options: ForwarderOptions) {}

  /**
   * `parseApiPath`, remembered with what is built from it: one lookup by URL per request instead of
   * a parse, a route lookup and a path built anew. `undefined` for anything but an API URL.
   */
  targetOf(url: string): Target | undefined {
    let target = this.#targets.get(url);
    if (target === undefined) {
      if (this.#targets.size >= TARGET_CACHE_SIZE) this.#targets.clear();
      const api = parseApiPath(url);
      target = api
        ? {
            api,
            upstreamPath: `${this.options.upstreamBasePath}${api.version}${api.path}${api.query}`,
            routes: new Map(),
          }
        : null;
      this.#targets.set(url, target);
    }
    return target ?? undefined;
  }

  /** Handles one API request; once it has an `Exchange`, what fails unexpectedly is answered by it. */
  handle(req: IncomingMessage, res: ServerResponse, target: Target): void {
    const { clock } = this.options;
    const method = (req.method ?? 'GET').toUpperCase();
    const { route, label } = this.#routeOf(method, target);
    const identity = this.options.identityOf(req.headers.authorization, req);
    const deadlineMs = Number(req.headers[ProxyHeaders.deadline]);
    const exchange = new Exchange(
      this.options,
      {
        method,
        route,
        identity,
        label,
        path: target.upstreamPath,
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

  /** The route of `method` on `target`, remembered; a DELETE's is made each time (a message delete's depends on its age). */
  #routeOf(method: string, target: Target): { route: Route; label: string } {
    if (method === 'DELETE') {
      const route = routeOf(method, target.api.path, this.options.clock.now());
      return { route, label: this.options.metrics.routeLabel(route.bucketRoute) };
    }
    let known = target.routes.get(method);
    if (known === undefined) {
      const route = routeOf(method, target.api.path);
      known = { route, label: this.options.metrics.routeLabel(route.bucketRoute) };
      target.routes.set(method, known);
    }
    return known;
  }
}

/**
 * Reads a body whole; `undefined` when the caller left before sending all of it (node:http then
 * destroys the request with an 'aborted' error: 'end' never comes).
 */
function readAll(req: IncomingMessage, done: (body: Buffer | undefined) => void): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.once('end', () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
  req.once('error', () => done(undefined));
}
