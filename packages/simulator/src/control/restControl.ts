/** The control API for REST behaviour: outages, and the rate-limit part of `/_sim/stats`. */
import type { FastifyInstance } from 'fastify';
import { parseBody } from '../rest/errors.js';
import type { RestOutage } from '../rest/outage.js';
import type { InvalidRequests } from '../rest/rateLimit/invalidRequests.js';
import type { RateLimiter } from '../rest/rateLimit/rateLimiter.js';
import type { SimStats } from '../stats.js';
import { outageSchema } from './schemas.js';

export interface RestControl {
  enabled: boolean;
  scale: number;
  limiter: RateLimiter;
  invalid: InvalidRequests;
  outage: RestOutage;
}

export function restControlRoutes(app: FastifyInstance, rest: RestControl): void {
  /** Every Discord API request answers `status` (default 503) for `seconds`; `seconds: 0` ends an outage. */
  app.post('/_sim/rest/outage', async (request) => {
    const body = parseBody(outageSchema, request.body);
    if (body.seconds === 0) {
      rest.outage.stop();
      return { status: null, until: null };
    }
    const started = rest.outage.start(body.status ?? 503, body.seconds * 1000);
    return { status: started.status, until: new Date(started.until).toISOString() };
  });
}

export function restStatsJson(stats: SimStats, rest: RestControl) {
  return {
    enabled: rest.enabled,
    scale: rest.scale,
    byScope: Object.fromEntries(stats.rateLimitedByScope),
    bannedResponses: stats.bannedResponses,
    globalLimits: rest.limiter.globalLimits(),
    outage: rest.outage.current() ?? null,
    invalidRequests: rest.invalid.json(),
  };
}
