/**
 * The stages every API request passes before its route runs, in order. Authentication is the first;
 * later stages (per-route and global rate limits, invalid-request counting, fault injection) are added
 * here as further stages without touching the routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../state/store.js';
import { Errors } from './errors.js';

export interface RequestStage {
  name: string;
  /** Throws a `DiscordHttpError` to answer the request itself, or sends a reply. */
  run(request: FastifyRequest, reply: FastifyReply): void | Promise<void>;
  /** Called once the response is sent (whatever answered it), to count what was answered. */
  done?(request: FastifyRequest, reply: FastifyReply): void;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for routes Discord serves without a token (`GET /gateway`). */
    auth?: boolean;
  }
}

/** `Authorization: Bot <token>` → `request.bot`, or 401. */
export function authenticate(store: Store): RequestStage {
  return {
    name: 'authenticate',
    run(request) {
      const header = request.headers.authorization;
      const token =
        typeof header === 'string' && header.startsWith('Bot ') ? header.slice(4).trim() : undefined;
      request.bot = token ? store.botByToken(token) : undefined;
      if (request.routeOptions.config?.auth === false) return;
      if (!request.bot) throw Errors.unauthorized();
    },
  };
}
