/**
 * The stages every API request passes before its route runs, in order. Authentication is the first;
 * later stages (per-route and global rate limits, invalid-request counting, fault injection) are added
 * here as further stages without touching the routes.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Store } from '../state/store.js';
import type { Grant, OAuth2 } from '../world/oauth2.js';
import { Errors } from './errors.js';

export interface RequestStage {
  name: string;
  /** Throws a `DiscordHttpError` to answer the request itself, or sends a reply. */
  run(request: FastifyRequest, reply: FastifyReply): void | Promise<void>;
  /** Called once the response is sent (whatever answered it), to count what was answered. */
  done?(request: FastifyRequest, reply: FastifyReply): void;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The OAuth2 grant of a `Bearer` token, when one was sent and is live. */
    bearer: Grant | undefined;
  }
  interface FastifyContextConfig {
    /** false for routes Discord serves without a token (`GET /gateway`). */
    auth?: boolean;
    /** true for routes that also take an OAuth2 `Bearer` token (`/users/@me`, `/users/@me/guilds`). */
    bearer?: boolean;
  }
}

/** `Authorization: Bot <token>` → `request.bot` (or `Bearer <token>` → `request.bearer` where a route takes it), or 401. */
export function authenticate(store: Store, oauth2: OAuth2): RequestStage {
  return {
    name: 'authenticate',
    run(request) {
      const header = request.headers.authorization;
      const token =
        typeof header === 'string' && header.startsWith('Bot ') ? header.slice(4).trim() : undefined;
      request.bot = token ? store.botByToken(token) : undefined;
      const bearer =
        typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
      request.bearer = bearer ? oauth2.byAccessToken(bearer) : undefined;
      if (request.routeOptions.config?.auth === false) return;
      if (request.bearer && request.routeOptions.config?.bearer === true) return;
      if (!request.bot) throw Errors.unauthorized();
    },
  };
}
