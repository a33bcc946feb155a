/** The one HTTP server: Discord's API under /api/v10 and /api/v9, the control API under /_sim, attachments, errors. */
import multipart from '@fastify/multipart';
import type { Logger } from '@shardwire/core';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
} from 'fastify';
import type { SimStats } from '../stats.js';
import { API_VERSIONS, type ApiOptions, apiRoutes } from './apiRoutes.js';
import { DiscordHttpError, Errors, RateLimitedError } from './errors.js';
import { MAX_FILE_BYTES } from './messageBody.js';

export interface HttpServerOptions {
  logger: Logger;
  stats: SimStats;
  api: ApiOptions;
  /** Registers the control API (under /_sim) and anything else outside Discord's API. */
  extraRoutes: (app: FastifyInstance) => void;
}

/** `POST /api/v10/channels/123/messages` → `POST /channels/:channel_id/messages`, for stats. */
function routeLabel(method: string, url: string | undefined): string {
  if (!url) return `${method} (unknown route)`;
  return `${method} ${url.replace(/^\/api\/v\d+/, '')}`;
}

export async function createHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
  }) as unknown as FastifyInstance;

  // JSON bodies: an empty body is no body; malformed JSON is Discord's 50109.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Errors.invalidJson(), undefined);
    }
  });
  // OAuth2's token endpoints take forms.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  // Any other content type carries no form fields Discord reads.
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, _body, done) => done(null, undefined));
  await app.register(multipart, { limits: { fileSize: MAX_FILE_BYTES, files: 10, fieldSize: 1024 * 1024 } });

  // Discord answers `application/json` with no charset; some libraries (oceanic.js) compare it exactly.
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('application/json'))
      reply.header('content-type', 'application/json');
    return payload;
  });

  // Discord API requests only (under /api/vN); the control API is not counted.
  app.addHook('onResponse', async (request, reply) => {
    if (request.url.startsWith('/api/')) {
      options.stats.restRequest(routeLabel(request.method, request.routeOptions.url), reply.statusCode);
    }
  });

  app.setErrorHandler((error: FastifyError | DiscordHttpError, request, reply) => {
    if (error instanceof RateLimitedError) {
      options.stats.rateLimited(error.headers['x-ratelimit-scope'] ?? 'shared');
      return reply.code(429).headers(error.headers).send(error.rateLimitBody);
    }
    if (error instanceof DiscordHttpError) return reply.code(error.status).send(error.body());
    const status = (error as FastifyError).statusCode;
    if (status === 413 || (error as FastifyError).code === 'FST_REQ_FILE_TOO_LARGE')
      return reply.code(413).send({ code: 40005, message: 'Request entity too large' });
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(400).send({
        code: 50035,
        message: 'Invalid Form Body',
        errors: { _errors: [{ code: 'BASE_TYPE_INVALID', message: error.message }] },
      });
    request.log.error({ err: error }, 'simulator route failed');
    return reply.code(500).send({ code: 0, message: '500: Internal Server Error' });
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(Errors.notFound().body()));

  for (const version of API_VERSIONS)
    await app.register(apiRoutes, { ...options.api, prefix: `/api/v${version}` });
  options.extraRoutes(app);
  return app;
}
