/** The REST stages for rate limits: the invalid-request ban (before anything) and route/global limits (after auth). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SimStats } from '../../stats.js';
import type { RequestStage } from '../pipeline.js';
import { type InvalidRequests, isInvalidResponse } from './invalidRequests.js';
import { type RateLimiter, retryAfterHeader } from './rateLimiter.js';
import { resolveRoute } from './routeLimits.js';

/** `/api/v10/channels/:channel_id` → `/channels/:channel_id` (v9 and v10 share buckets). */
export function routePattern(request: FastifyRequest): string {
  return (request.routeOptions.url ?? '').replace(/^\/api\/v\d+/, '');
}

/**
 * Banned IPs get Cloudflare's answer to every request (429, `error code: 1015`, no rate-limit headers);
 * every other response that is 401, 403 or a non-shared 429 counts towards the ban.
 */
export function invalidRequestStage(invalid: InvalidRequests, stats: SimStats): RequestStage {
  const banned = new WeakSet<FastifyRequest>();
  return {
    name: 'invalid-requests',
    run(request, reply) {
      const leftMs = invalid.bannedFor(request.ip);
      if (leftMs <= 0) return;
      banned.add(request);
      stats.bannedResponses++;
      reply
        .code(429)
        .header('retry-after', retryAfterHeader(leftMs))
        .type('text/plain')
        .send('error code: 1015');
    },
    done(request, reply) {
      if (banned.has(request)) return;
      const scope = reply.getHeader('x-ratelimit-scope');
      if (isInvalidResponse(reply.statusCode, typeof scope === 'string' ? scope : undefined))
        invalid.record(request.ip);
    },
  };
}

/** The bot's global limit and the route's bucket: headers on every response, 429 when exhausted. */
export function rateLimitStage(limiter: RateLimiter, stats: SimStats): RequestStage {
  return {
    name: 'rate-limits',
    run(request: FastifyRequest, reply: FastifyReply) {
      const route = resolveRoute(
        request.method,
        routePattern(request),
        request.params as Record<string, string>,
      );
      const bot = request.bot;
      const decision = bot
        ? limiter.check(bot.user.id, route, bot.user.id)
        : limiter.check(`ip:${request.ip}`, route);
      reply.headers(decision.headers);
      if (decision.allowed) return;
      stats.rateLimited(decision.scope);
      reply.code(429).send(decision.body);
    },
  };
}
