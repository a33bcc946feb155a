/** One proxied request: wait for its rate limit, send it upstream, stream the answer back as it came. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, Logger } from '@shardwire/core';
import type { Dispatcher } from 'undici';
import type { HeaderSource } from '../limiter/headers.js';
import { DeadlineError, type Limiter, LimiterClosedError, QueueFullError } from '../limiter/Limiter.js';
import { type Route, routeOf } from '../routes.js';
import { CallerSignal } from './callerSignal.js';
import type { ProxyMetrics } from './metrics.js';
import { type ApiPath, upstreamHeaders } from './paths.js';
import { callUpstream, type Decision } from './upstreamCall.js';

/** Caller headers the proxy reads (and never forwards). */
export const ProxyHeaders = {
  secret: 'x-shardwire-secret',
  /** Milliseconds the caller is willing to wait for its rate limit; past that, a fast 503. */
  deadline: 'x-shardwire-deadline-ms',
  /** `true`: return upstream 429s instead of re-queuing them. */
  return429: 'x-shardwire-return-429',
  /** Set on answers the proxy made itself: why. */
  refused: 'x-shardwire-refused',
} as const;

/** What the invalid-request guard says of a request before it goes. */
export interface Refusal {
  status: number;
  reason: string;
  message: string;
  code?: number;
  retryAfterMs?: number;
}

export interface RequestGuard {
  check(route: Route, identity: string): Refusal | undefined;
  record(route: Route, identity: string, status: number, headers: HeaderSource): void;
}

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

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const NO_BODY = new Set(['GET', 'HEAD']);

const ROUTE_CACHE_SIZE = 10_000;

export class Forwarder {
  /** By method, then path. */
  readonly #routes = new Map<string, Map<string, Route>>();
  #cachedRoutes = 0;

  constructor(private readonly options: ForwarderOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, api: ApiPath): Promise<void> {
    const { limiter, metrics, clock } = this.options;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = this.#routeOf(method, api.path);
    const authorization = req.headers.authorization;
    const identity = this.options.identityOf(authorization, req);
    const label = metrics.routeLabel(route.bucketRoute);
    const refusal = this.options.guard?.check(route, identity);
    if (refusal) return this.#refuse(res, label, refusal);

    const caller = new CallerSignal();
    const onClose = () => {
      if (!res.writableFinished) caller.abort(new Error('caller disconnected'));
    };
    res.on('close', onClose); // 'close' comes once: no once() wrapper
    const deadlineMs = Number(req.headers[ProxyHeaders.deadline]);
    const deadline = Number.isFinite(deadlineMs) && deadlineMs >= 0 ? clock.now() + deadlineMs : undefined;
    const return429 = req.headers[ProxyHeaders.return429] === 'true';
    let body: Buffer | IncomingMessage | undefined;
    try {
      body = await this.#body(req, method);
    } catch {
      return void res.destroy(); // the caller left mid-body
    }
    if (caller.aborted) return void res.destroy();
    const headers = upstreamHeaders(req.headers);
    if (Buffer.isBuffer(body)) headers['content-length'] = String(body.length);
    const path = `${this.options.upstreamBasePath}${api.version}${api.path}${api.query}`;

    for (let attempt = 0; ; attempt++) {
      const wanted = { route, identity, signal: caller, deadline, retry: attempt > 0 };
      // A bucket with room and nobody ahead: the permit at once, without a promise.
      let permit = limiter.tryAcquire?.(wanted);
      let waitedMs = 0;
      if (permit === undefined) {
        const waitStart = clock.now();
        try {
          permit = await limiter.acquire(wanted);
        } catch (error) {
          if (error instanceof DeadlineError || error instanceof QueueFullError) {
            const reason = error instanceof DeadlineError ? 'deadline' : 'queue-full';
            return this.#refuse(res, label, {
              status: 503,
              reason,
              message: error.message,
              retryAfterMs: error.retryAfterMs,
            });
          }
          if (caller.aborted) return void res.destroy(); // the caller left: its place is freed
          if (error instanceof LimiterClosedError) {
            return this.#refuse(res, label, {
              status: 503,
              reason: 'shutting-down',
              message: 'the rest-proxy is shutting down',
              retryAfterMs: 1000,
            });
          }
          throw error;
        }
        waitedMs = clock.now() - waitStart;
      }
      // While it read the body or waited, a request ahead may have found the token revoked or the webhook gone.
      const late = this.options.guard?.check(route, identity);
      if (late) {
        permit.cancel();
        return this.#refuse(res, label, late);
      }
      metrics.queueWait.observe(waitedMs / 1000);
      const sentAt = clock.now();
      const replayable = body === undefined || Buffer.isBuffer(body);
      const decide = (status: number, answerHeaders: IncomingHttpHeaders): Decision => {
        metrics.upstreamLatency.observe((clock.now() - sentAt) / 1000);
        const outcome = permit.complete(status, answerHeaders);
        this.options.guard?.record(route, identity, status, answerHeaders);
        if (outcome.limited) {
          metrics.rateLimited.inc({ route: label, scope: outcome.scope ?? 'user' });
          this.options.logger.warn(
            { route: route.bucketRoute, scope: outcome.scope, retryAfterMs: outcome.retryAfterMs, attempt },
            'upstream 429',
          );
          // Re-queued without the caller noticing, unless it asked for 429s or its body is gone.
          if (!return429 && replayable && attempt < this.options.maxRetries) return 'discard';
        }
        metrics.answered(label, status);
        return 'forward';
      };
      try {
        const result = await callUpstream(
          this.options.upstream,
          { path, method: method as Dispatcher.HttpMethod, headers, body: body ?? null },
          res,
          caller,
          decide,
          permit, // told when the request is on its connection: the next of its bucket may go
        );
        if (result.forwarded) return;
      } catch (error) {
        permit.cancel();
        if (caller.aborted) return void res.destroy();
        // The request may have reached Discord: only an idempotent one with its body at hand goes again.
        if (IDEMPOTENT.has(method) && replayable && attempt < this.options.maxRetries) continue;
        this.options.logger.warn({ route: route.bucketRoute, err: error }, 'upstream request failed');
        return this.#refuse(res, label, {
          status: isTimeout(error) ? 504 : 502,
          reason: 'upstream',
          message: 'the upstream request failed and cannot be safely re-sent',
        });
      }
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

  /** A small body is read whole (so it can be re-sent); a big one (an upload) streams through. */
  async #body(req: IncomingMessage, method: string): Promise<Buffer | IncomingMessage | undefined> {
    if (NO_BODY.has(method)) return undefined;
    const length = Number(req.headers['content-length']);
    if (length === 0) return undefined;
    if (!Number.isFinite(length) || length > this.options.replayableBytes) return req;
    return readAll(req);
  }

  #refuse(res: ServerResponse, label: string, refusal: Refusal): void {
    this.options.metrics.refused.inc({ reason: refusal.reason });
    this.options.metrics.answered(label, refusal.status);
    const retryAfter = refusal.retryAfterMs === undefined ? undefined : refusal.retryAfterMs / 1000;
    const payload = JSON.stringify({
      message: refusal.message,
      code: refusal.code ?? 0,
      ...(retryAfter === undefined ? {} : { retry_after: retryAfter }),
    });
    if (res.headersSent) return void res.destroy();
    res.writeHead(refusal.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      [ProxyHeaders.refused]: refusal.reason,
      ...(retryAfter === undefined ? {} : { 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) }),
    });
    res.end(payload);
  }
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the caller left before sending its whole body'));
    });
  });
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.includes('TIMEOUT');
}
