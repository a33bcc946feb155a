/** `Rest` over undici: through the rest-proxy by default, or straight to Discord with the limiter in-process. */
import { type Clock, type Logger, sleep, systemClock } from '@shardwire/core';
import { Agent, type Dispatcher } from 'undici';
import { identityOf } from '../limiter/identity.js';
import type { Limiter, Permit } from '../limiter/Limiter.js';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import { DiscordAPIError, type Rest, type RestRequest } from '../Rest.js';
import { routeOf } from '../routes.js';
import { encodeBody, encodeQuery } from './body.js';

export interface RestClientOptions {
  /** The bot token (without `Bot `). */
  token?: string;
  /** `Bot` (default) or `Bearer` for an OAuth2 access token. */
  authPrefix?: 'Bot' | 'Bearer';
  /** Where `/v10/...` lives: the rest-proxy (default `http://127.0.0.1:8081/api`), the simulator or `https://discord.com/api`. */
  baseUrl?: string;
  version?: number;
  /**
   * The rate limiter; `false` sends straight away (sensible behind the rest-proxy, which limits for
   * everyone). Default: a `MemoryLimiter` in this process.
   */
  limiter?: Limiter | false;
  /** Attempts after the first on a 429, a 5xx or a network error of an idempotent request (default 3). */
  retries?: number;
  /** Per attempt, until the answer's headers and between body chunks (default 15 s). */
  timeoutMs?: number;
  userAgent?: string;
  dispatcher?: Dispatcher;
  clock?: Clock;
  logger?: Logger;
}

export const DEFAULT_PROXY_URL = 'http://127.0.0.1:8081/api';
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class RestClient implements Rest {
  readonly #token: string | undefined;
  readonly #authPrefix: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #limiter: Limiter | undefined;
  readonly #retries: number;
  readonly #timeoutMs: number;
  readonly #userAgent: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;

  constructor(options: RestClientOptions = {}) {
    this.#token = options.token;
    this.#authPrefix = options.authPrefix ?? 'Bot';
    const base = new URL(options.baseUrl ?? DEFAULT_PROXY_URL);
    this.#origin = base.origin;
    this.#basePath = `${base.pathname.replace(/\/$/, '')}/v${options.version ?? 10}`;
    this.#clock = options.clock ?? systemClock;
    this.#limiter =
      options.limiter === false ? undefined : (options.limiter ?? new MemoryLimiter({ clock: this.#clock }));
    this.#retries = options.retries ?? 3;
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.#userAgent = options.userAgent ?? 'DiscordBot (https://github.com/shardwire/shardwire, 0.1.0)';
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 30_000, connections: 64 });
    this.#logger = options.logger;
  }

  async request<T = unknown>(request: RestRequest): Promise<T> {
    const method = request.method;
    const route = routeOf(method, request.path, this.#clock.now());
    const authorization = request.auth === false ? undefined : this.#authorization();
    const identity = identityOf(authorization);
    const path = `${this.#basePath}${request.path}${encodeQuery(request.query)}`;
    let retry = false;
    for (let attempt = 0; ; attempt++) {
      const permit = await this.#limiter?.acquire({ route, identity, signal: request.signal, retry });
      let encoded: ReturnType<typeof encodeBody>;
      try {
        encoded = encodeBody(request);
      } catch (error) {
        permit?.cancel(); // never sent: its places go back
        throw error;
      }
      const { body, contentType } = encoded;
      const headers: Record<string, string> = { 'user-agent': this.#userAgent, ...request.headers };
      if (authorization) headers.authorization = authorization;
      if (contentType) headers['content-type'] = contentType;
      if (request.reason) headers['x-audit-log-reason'] = encodeURIComponent(request.reason);
      let response: Dispatcher.ResponseData;
      try {
        const answer = this.#dispatcher.request({
          origin: this.#origin,
          path,
          method,
          headers,
          body,
          signal: request.signal,
          headersTimeout: this.#timeoutMs,
          bodyTimeout: this.#timeoutMs,
        });
        permit?.sent(); // dispatched: the next of its bucket may go
        response = await answer;
      } catch (error) {
        permit?.cancel();
        // Sent or not, we cannot tell: only a request that may run twice is sent again.
        if (request.signal?.aborted || attempt >= this.#retries || !IDEMPOTENT.has(method)) throw error;
        await sleep(backoff(attempt), request.signal);
        continue;
      }
      const status = response.statusCode;
      const outcome = complete(permit, status, response.headers);
      if (status === 429 && attempt < this.#retries) {
        const data = (await readBody(response)) as { retry_after?: number } | undefined;
        this.#logger?.warn(
          { route: route.bucketRoute, scope: outcome?.scope },
          'rate limited (429), retrying',
        );
        // The limiter already holds the bucket; without one, wait here.
        if (!permit) await sleep(Math.ceil((data?.retry_after ?? 1) * 1000), request.signal);
        retry = true;
        continue;
      }
      if (status >= 500 && attempt < this.#retries && IDEMPOTENT.has(method)) {
        await response.body.dump();
        await sleep(backoff(attempt), request.signal);
        continue;
      }
      const data = await readBody(response);
      if (status >= 400) throw toError(status, data, method, request.path);
      return data as T;
    }
  }

  async close(): Promise<void> {
    this.#limiter?.close();
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  #authorization(): string {
    if (!this.#token) throw new Error('RestClient: this request needs a token, and none was given');
    return `${this.#authPrefix} ${this.#token}`;
  }
}

function complete(permit: Permit | undefined, status: number, headers: Dispatcher.ResponseData['headers']) {
  return permit?.complete(status, headers);
}

function backoff(attempt: number): number {
  return Math.min(10_000, 250 * 2 ** attempt) * (0.5 + Math.random() / 2);
}

async function readBody(response: Dispatcher.ResponseData): Promise<unknown> {
  if (response.statusCode === 204) {
    await response.body.dump();
    return undefined;
  }
  const type = String(response.headers['content-type'] ?? '');
  if (type.includes('application/json')) return response.body.json();
  const buffer = Buffer.from(await response.body.arrayBuffer());
  return type.startsWith('text/') ? buffer.toString('utf8') : buffer;
}

function toError(
  status: number,
  data: unknown,
  method: RestRequest['method'],
  path: string,
): DiscordAPIError {
  const body = (typeof data === 'object' && data !== null ? data : {}) as {
    code?: number;
    message?: string;
    errors?: unknown;
  };
  const message = body.message ?? (typeof data === 'string' ? data.slice(0, 200) : `HTTP ${status}`);
  return new DiscordAPIError(status, body.code ?? 0, message, method, path, body.errors);
}
