/**
 * Discord's per-route limits: which bucket a request falls in, the bucket's limit and window, and the
 * top-level resource (channel, guild, webhook + token) that splits it. Limits are the ones Discord
 * reports for these routes (they change; clients must read the headers, never this table).
 */
import { createHash } from 'node:crypto';

export interface RouteLimit {
  /** Bucket name; routes with the same name share one `X-RateLimit-Bucket` hash. */
  bucket: string;
  limit: number;
  windowMs: number;
  /** Not counted against the bot's global limit (interaction callbacks, webhooks with a token). */
  globalExempt?: boolean;
}

/** A per-resource limit shared by every caller (429 with `X-RateLimit-Scope: shared`). */
export interface SharedLimit {
  name: string;
  limit: number;
  windowMs: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const limit = (bucket: string, n: number, windowMs: number, extra: Partial<RouteLimit> = {}): RouteLimit => ({
  bucket,
  limit: n,
  windowMs,
  ...extra,
});

const reactions = limit('reactions', 1, 250);
const memberRoles = limit('member-roles', 10, 10 * SECOND);
const emojis = limit('emojis', 50, 10 * SECOND);
const interactionCallback = limit('interaction-callback', 5, 5 * SECOND, { globalExempt: true });
const webhookToken = limit('webhook-token', 5, 2 * SECOND, { globalExempt: true });
const commands = limit('application-commands', 5, 20 * SECOND);

/** "METHOD /route/:param" → limit. Routes not listed get `DEFAULT_ROUTE_LIMIT` in a bucket of their own. */
export const ROUTE_LIMITS: Readonly<Record<string, RouteLimit>> = {
  'POST /channels/:channel_id/messages': limit('message-create', 5, 5 * SECOND),
  'PATCH /channels/:channel_id/messages/:message_id': limit('message-edit', 5, 5 * SECOND),
  'DELETE /channels/:channel_id/messages/:message_id': limit('message-delete', 5, SECOND),
  'POST /channels/:channel_id/messages/bulk-delete': limit('message-bulk-delete', 1, SECOND),
  'POST /channels/:channel_id/typing': limit('typing', 5, 5 * SECOND),
  'PUT /channels/:channel_id/messages/:message_id/reactions/:emoji/@me': reactions,
  'DELETE /channels/:channel_id/messages/:message_id/reactions/:emoji/@me': reactions,
  'DELETE /channels/:channel_id/messages/:message_id/reactions/:emoji/:user_id': reactions,
  'DELETE /channels/:channel_id/messages/:message_id/reactions/:emoji': reactions,
  'DELETE /channels/:channel_id/messages/:message_id/reactions': reactions,
  'PATCH /channels/:channel_id': limit('channel-modify', 5, 5 * SECOND),
  'DELETE /channels/:channel_id': limit('channel-delete', 5, 5 * SECOND),
  'POST /guilds/:guild_id/channels': limit('channel-create', 5, 5 * SECOND),
  'PATCH /guilds/:guild_id': limit('guild-modify', 5, 5 * SECOND),
  'GET /guilds/:guild_id/members': limit('members-list', 10, 10 * SECOND),
  'PATCH /guilds/:guild_id/members/:user_id': limit('member-modify', 10, 10 * SECOND),
  'DELETE /guilds/:guild_id/members/:user_id': limit('member-kick', 5, 5 * SECOND),
  'PUT /guilds/:guild_id/members/:user_id/roles/:role_id': memberRoles,
  'DELETE /guilds/:guild_id/members/:user_id/roles/:role_id': memberRoles,
  'PUT /guilds/:guild_id/bans/:user_id': limit('ban', 5, 5 * SECOND),
  'POST /guilds/:guild_id/roles': limit('role-create', 10, 10 * SECOND),
  'PATCH /guilds/:guild_id/roles/:role_id': limit('role-modify', 10, 10 * SECOND),
  'POST /guilds/:guild_id/emojis': emojis,
  'PATCH /guilds/:guild_id/emojis/:emoji_id': emojis,
  'DELETE /guilds/:guild_id/emojis/:emoji_id': emojis,
  'PATCH /users/@me': limit('user-modify', 2, HOUR),
  'POST /users/@me/channels': limit('dm-create', 10, 10 * SECOND),
  'PUT /applications/:application_id/commands': commands,
  'POST /applications/:application_id/commands': commands,
  'PUT /applications/:application_id/guilds/:guild_id/commands': commands,
  'POST /applications/:application_id/guilds/:guild_id/commands': commands,
  'POST /interactions/:interaction_id/:interaction_token/callback': interactionCallback,
  'POST /webhooks/:webhook_id/:webhook_token': webhookToken,
  'GET /webhooks/:webhook_id/:webhook_token/messages/:message_id': webhookToken,
  'PATCH /webhooks/:webhook_id/:webhook_token/messages/:message_id': webhookToken,
  'DELETE /webhooks/:webhook_id/:webhook_token/messages/:message_id': webhookToken,
};

/** Everything else: 50 per second per route and top-level resource. */
export const DEFAULT_ROUTE_LIMIT = { limit: 50, windowMs: SECOND };

/** Per-resource limits across every caller, checked by the routes that know the request's body. */
export const SHARED_LIMITS = {
  /** Channel name or topic changes: 2 per 10 minutes per channel. */
  channelRename: { name: 'channel-rename', limit: 2, windowMs: 10 * MINUTE },
  /** Emoji uploads: per guild, whatever the per-route headers say. */
  emojiCreate: { name: 'emoji-create', limit: 25, windowMs: HOUR },
} satisfies Record<string, SharedLimit>;

/** The bot's global limit: 50 requests per second (configurable per bot). */
export const GLOBAL_LIMIT = { limit: 50, windowMs: SECOND };

/** A stable, opaque `X-RateLimit-Bucket` value per bucket name (Discord's are 32 hex digits). */
export function bucketHash(name: string): string {
  return createHash('sha256').update(`shardwire-simulator:${name}`).digest('hex').slice(0, 32);
}

export interface ResolvedRoute {
  /** The route's own limit, or the default in a bucket named after the route. */
  limit: RouteLimit;
  hash: string;
  /** The top-level resource that splits the bucket ("" for none). */
  major: string;
}

const hashes = new Map<string, string>();

/** Resolves a request's route pattern ("METHOD /channels/:channel_id/...") and params to its bucket. */
export function resolveRoute(method: string, pattern: string, params: Record<string, string>): ResolvedRoute {
  const key = `${method} ${pattern}`;
  const limit = ROUTE_LIMITS[key] ?? { bucket: key, ...DEFAULT_ROUTE_LIMIT };
  let hash = hashes.get(limit.bucket);
  if (!hash) {
    hash = bucketHash(limit.bucket);
    hashes.set(limit.bucket, hash);
  }
  return { limit, hash, major: majorOf(params) };
}

/** Top-level resources: channels, guilds, webhooks (id + token when the route carries a token). */
export function majorOf(params: Record<string, string>): string {
  if (params.channel_id) return `c${params.channel_id}`;
  if (params.guild_id) return `g${params.guild_id}`;
  if (params.webhook_id)
    return `w${params.webhook_id}${params.webhook_token ? `/${params.webhook_token}` : ''}`;
  if (params.interaction_id) return `i${params.interaction_id}`;
  return '';
}
