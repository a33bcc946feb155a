/** The rest-proxy's settings, read once from the environment and flags. */
import { type ConfigOf, loadConfig, schemas } from '@shardwire/core';
import { z } from 'zod';

/** `<bot id>=<requests per second>,…` → a map; e.g. `123456789012345678=500`. */
const globalLimits = z
  .string({ message: 'expected <bot id>=<requests per second>,…' })
  .regex(/^\s*(\d{15,21}\s*=\s*\d+\s*)(,\s*\d{15,21}\s*=\s*\d+\s*)*$/, {
    message: 'expected <bot id>=<requests per second>,… (e.g. 123456789012345678=500)',
  })
  .transform(
    (text) =>
      new Map(text.split(',').map((pair) => pair.split('=').map((s) => s.trim()) as [string, string])),
  )
  .transform((pairs) => new Map([...pairs].map(([bot, limit]) => [bot, Number(limit)])))
  .optional();

export const restProxySettings = {
  upstreamUrl: {
    env: 'DISCORD_API_URL',
    flag: 'upstream',
    schema: schemas.url(['http', 'https']).default('https://discord.com/api'),
    doc: "Discord's API base URL (or the simulator's `/api`)",
  },
  port: {
    env: 'REST_PROXY_PORT',
    flag: 'port',
    schema: schemas.port(8081),
    doc: 'Port the rest-proxy listens on',
  },
  host: {
    env: 'REST_PROXY_HOST',
    flag: 'host',
    schema: schemas.host('0.0.0.0'),
    doc: 'Address the rest-proxy binds',
  },
  redisUrl: {
    env: 'REDIS_URL',
    flag: 'redis',
    schema: schemas.url(['redis', 'rediss']).optional(),
    doc: 'Share limits, learned buckets and the invalid-request budget between instances (unset: memory)',
  },
  redisPrefix: {
    env: 'REST_REDIS_PREFIX',
    schema: z.string().min(1).default('shardwire:rest:'),
    doc: 'Prefix of every Redis key the rest-proxy writes',
  },
  secret: {
    env: 'REST_PROXY_SECRET',
    flag: 'secret',
    schema: z.string().min(8, { message: 'expected at least 8 characters' }).optional(),
    doc: 'Callers must send it in `X-Shardwire-Secret` (unset: anyone may call)',
    secret: true,
  },
  globalLimit: {
    env: 'REST_GLOBAL_LIMIT',
    flag: 'global-limit',
    schema: schemas.positiveInt(50),
    doc: 'Requests per second per bot token (Discord: 50)',
  },
  globalLimits: {
    env: 'REST_GLOBAL_LIMITS',
    flag: 'global-limits',
    schema: globalLimits,
    doc: 'Per-bot global limits for bots Discord gave more: `<bot id>=<per second>,…`',
  },
  invalidBudget: {
    env: 'REST_INVALID_BUDGET',
    flag: 'invalid-budget',
    schema: schemas.positiveInt(2_500),
    doc: 'Invalid requests (401/403/429/webhook 404) per window per outgoing IP before risky requests are refused (Discord bans at 10,000)',
  },
  invalidWindowMs: {
    env: 'REST_INVALID_WINDOW_MS',
    schema: schemas.positiveInt(600_000),
    doc: "The invalid-request window in ms (Discord's: 10 minutes)",
  },
  outgoingIp: {
    env: 'REST_OUTGOING_IP',
    schema: z.string().default('default'),
    doc: 'Names the outgoing IP whose invalid-request budget instances share (same value = same IP)',
  },
  connections: {
    env: 'REST_PROXY_CONNECTIONS',
    schema: schemas.positiveInt(128),
    doc: 'Keep-alive connections to upstream',
  },
  timeoutMs: {
    env: 'REST_PROXY_TIMEOUT_MS',
    schema: schemas.positiveInt(15_000),
    doc: 'Upstream timeout per attempt (answer headers, and between body chunks)',
  },
  maxQueue: {
    env: 'REST_PROXY_MAX_QUEUE',
    schema: schemas.positiveInt(10_000),
    doc: 'Waiting requests per bucket before new ones get a 503',
  },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', schema: schemas.logLevel(), doc: 'Log level' },
} as const;

export type RestProxyConfig = ConfigOf<typeof restProxySettings>;

export function loadRestProxyConfig(sources: Parameters<typeof loadConfig>[1] = {}): RestProxyConfig {
  return loadConfig(restProxySettings, sources);
}
