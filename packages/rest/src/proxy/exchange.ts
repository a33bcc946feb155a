/**
 * One proxied request from its rate limit to its answer, retries included. It is itself the undici
 * dispatch handler of each attempt: the answer's status and headers are judged the moment they
 * arrive, then its body goes straight to the caller (with backpressure) or is dropped (a 429 to
 * re-queue). No promise, stream or closure per attempt when its bucket has room: they were a good
 * part of the per-request cost.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@shardwire/core';
import type { Dispatcher } from 'undici';
import type { HeaderSource } from '../limiter/headers.js';
import {
  type AcquireOptions,
  DeadlineError,
  LimiterClosedError,
  type Permit,
  QueueFullError,
} from '../limiter/Limiter.js';
import type { Route } from '../routes.js';
import { CallerSignal } from './callerSignal.js';
import type { ForwarderOptions } from './forward.js';
import { downstreamHeaders } from './paths.js';

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

/** What one exchange is about, fixed on arrival. */
export interface ExchangeRequest {
  method: string;
  route: Route;
  identity: string;
  /** The route's metrics label. */
  label: string;
  /** Upstream base path + version + path + query. */
  path: string;
  headers: Record<string, string | string[]>;
  /** A clock time, from `X-Shardwire-Deadline-Ms`. */
  deadline: number | undefined;
  return429: boolean;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class Exchange implements Dispatcher.DispatchHandler {
  readonly #options: ForwarderOptions;
  readonly #request: ExchangeRequest;
  readonly #res: ServerResponse;
  readonly #caller = new CallerSignal();
  #body: Buffer | IncomingMessage | undefined;
  #attempt = 0;
  /** The current attempt's: its permit, when it was sent, its undici controller, its status. */
  #permit: Permit | undefined;
  #sentAt = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #forwarding = false;

  constructor(options: ForwarderOptions, request: ExchangeRequest, res: ServerResponse) {
    this.#options = options;
    this.#request = request;
    this.#res = res;
    res.on('close', this.#onClose); // 'close' comes once: no once() wrapper
  }

  /** The caller left before its answer was written: stop waiting, or stop the attempt under way. */
  readonly #onClose = (): void => {
    if (this.#res.writableFinished) return;
    const reason = new Error('caller disconnected');
    this.#caller.abort(reason);
    this.#controller?.abort(reason);
  };

  /** Whether the caller has left (checked after reading its body, before queuing it). */
  get callerLeft(): boolean {
    return this.#caller.aborted;
  }

  /** Waits for the rate limit, then sends; `body` is read whole (replayable), a stream, or none. */
  start(body: Buffer | IncomingMessage | undefined): void {
    this.#body = body;
    if (Buffer.isBuffer(body)) this.#request.headers['content-length'] = String(body.length);
    this.#acquire();
  }

  #acquire(): void {
    const { limiter, clock } = this.#options;
    const { route, identity, deadline } = this.#request;
    const wanted: AcquireOptions = {
      route,
      identity,
      signal: this.#caller,
      deadline,
      retry: this.#attempt > 0,
    };
    // A bucket with room and nobody ahead: the permit at once, without a promise.
    const permit = limiter.tryAcquire?.(wanted);
    if (permit !== undefined) return void this.#send(permit, 0);
    const waitStart = clock.now();
    limiter
      .acquire(wanted)
      .then(
        (granted) => this.#send(granted, clock.now() - waitStart),
        (error: unknown) => this.#notAcquired(error),
      )
      .catch((error: unknown) => this.fail(error));
  }

  #notAcquired(error: unknown): void {
    if (error instanceof DeadlineError || error instanceof QueueFullError) {
      return void this.refuse({
        status: 503,
        reason: error instanceof DeadlineError ? 'deadline' : 'queue-full',
        message: error.message,
        retryAfterMs: error.retryAfterMs,
      });
    }
    if (this.#caller.aborted) return void this.#res.destroy(); // the caller left: its place is freed
    if (error instanceof LimiterClosedError) {
      return void this.refuse({
        status: 503,
        reason: 'shutting-down',
        message: 'the rest-proxy is shutting down',
        retryAfterMs: 1000,
      });
    }
    throw error;
  }

  #send(permit: Permit, waitedMs: number): void {
    const { guard, metrics, clock, upstream } = this.#options;
    const { route, identity, method, path, headers } = this.#request;
    this.#permit = permit;
    // While it read the body or waited, a request ahead may have found the token revoked or the webhook gone.
    const late = guard?.check(route, identity);
    if (late) {
      permit.cancel();
      return void this.refuse(late);
    }
    metrics.queueWait.observe(waitedMs / 1000);
    this.#status = 0;
    this.#forwarding = false;
    this.#sentAt = clock.now();
    upstream.dispatch(
      { path, method: method as Dispatcher.HttpMethod, headers, body: this.#body ?? null },
      this,
    );
  }

  /** Whether the answer goes to the caller (else it is a 429 to re-queue); the limiter learns from it. */
  #forwards(status: number, answerHeaders: IncomingHttpHeaders): boolean {
    const { metrics, clock, guard, logger, maxRetries } = this.#options;
    const { route, identity, label, return429 } = this.#request;
    metrics.upstreamLatency.observe((clock.now() - this.#sentAt) / 1000);
    const outcome = this.#permit!.complete(status, answerHeaders);
    guard?.record(route, identity, status, answerHeaders);
    if (outcome.limited) {
      metrics.rateLimited.inc({ route: label, scope: outcome.scope ?? 'user' });
      logger.warn(
        {
          route: route.bucketRoute,
          scope: outcome.scope,
          retryAfterMs: outcome.retryAfterMs,
          attempt: this.#attempt,
        },
        'upstream 429',
      );
      // Re-queued without the caller noticing, unless it asked for 429s or its body is gone.
      if (!return429 && this.#replayable && this.#attempt < maxRetries) return false;
    }
    metrics.answered(label, status);
    return true;
  }

  get #replayable(): boolean {
    return this.#body === undefined || Buffer.isBuffer(this.#body);
  }

  /** The attempt failed before any answer came: the request may have reached Discord. */
  #attemptFailed(error: Error): void {
    this.#permit!.cancel();
    if (this.#caller.aborted) return void this.#res.destroy();
    // Only an idempotent request with its body at hand goes again.
    const { method, route } = this.#request;
    if (IDEMPOTENT.has(method) && this.#replayable && this.#attempt < this.#options.maxRetries) {
      return void this.#again();
    }
    this.#options.logger.warn({ route: route.bucketRoute, err: error }, 'upstream request failed');
    this.refuse({
      status: isTimeout(error) ? 504 : 502,
      reason: 'upstream',
      message: 'the upstream request failed and cannot be safely re-sent',
    });
  }

  /** Queues the request again; called from undici's callbacks, so what throws is answered here. */
  #again(): void {
    this.#attempt++;
    try {
      this.#acquire();
    } catch (error) {
      this.fail(error);
    }
  }

  // undici's dispatch handler: one attempt.

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#caller.aborted) controller.abort(this.#caller.reason as Error);
    else this.#permit!.sent(); // on its connection: the next of its bucket may go
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (statusCode < 200) return; // informational: the real answer follows
    this.#status = statusCode;
    if (this.#forwards(statusCode, headers)) {
      this.#forwarding = true;
      this.#res.writeHead(statusCode, downstreamHeaders(headers));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#forwarding && !this.#res.write(chunk)) {
      controller.pause();
      this.#res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    this.#controller = undefined;
    if (this.#forwarding) this.#res.end();
    else this.#again(); // a 429 dropped: the request queues again
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#controller = undefined;
    if (this.#status === 0) return void this.#attemptFailed(error);
    if (this.#forwarding)
      this.#res.destroy(error); // broke off mid-answer: the caller sees a cut connection
    else this.#again(); // a dropped 429's body broke off: it queues again all the same
  }

  /** Something unexpected went wrong: the place its permit holds is freed, the caller told. */
  fail(error: unknown): void {
    this.#permit?.cancel(); // nothing if it was answered
    failed(this.#res, this.#options.logger, error);
  }

  /** Answers the caller itself (deadline, full queue, guard, upstream failure). */
  refuse(refusal: Refusal): void {
    const { metrics } = this.#options;
    metrics.refused.inc({ reason: refusal.reason });
    metrics.answered(this.#request.label, refusal.status);
    const res = this.#res;
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

/** Something unexpected went wrong: a 500 when nothing was sent yet, else a cut connection. */
export function failed(res: ServerResponse, logger: Logger, error: unknown): void {
  logger.error({ err: error }, 'proxying failed');
  if (res.headersSent) return void res.destroy();
  const payload = '{"message":"rest-proxy error","code":0}';
  res.writeHead(500, { 'content-type': 'application/json', 'content-length': payload.length });
  res.end(payload);
}

function isTimeout(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.includes('TIMEOUT');
}
