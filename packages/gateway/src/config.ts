/** The gateway service's settings: read once, from the environment and `shardwire gateway` flags. */
import { cacheSettings } from '@shardwire/cache';
import { ConfigError, type ConfigOf, loadConfig, type SettingsSpec, schemas } from '@shardwire/core';
import { z } from 'zod';
import { parseShardIds } from './shardIds.js';

/** An optional string turned into a value by `parse`; what it throws becomes the setting's error. */
function optionalParsed<T>(parse: (text: string) => T) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return undefined;
      try {
        return parse(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });
}

function parsePresence(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error('expected a JSON presence object');
  }
}

const storeUrl = z
  .string()
  .default('memory:')
  .refine((value) => value === 'memory:' || /^rediss?:\/\//.test(value), {
    message: 'expected memory: or a redis:// URL',
  });

export const gatewaySettings = {
  token: {
    env: 'DISCORD_TOKEN',
    schema: z.string({ message: 'expected the bot token' }).min(1, { message: 'expected the bot token' }),
    doc: 'Bot token the shards identify with.',
    secret: true,
  },
  apiUrl: {
    env: 'DISCORD_API_URL',
    flag: 'api-url',
    schema: schemas.url(['http', 'https']).default('https://discord.com/api'),
    doc: 'Base URL of the HTTP API without the version (Discord, the simulator or the rest-proxy).',
  },
  gatewayUrl: {
    env: 'DISCORD_GATEWAY_URL',
    flag: 'gateway-url',
    schema: schemas.url(['ws', 'wss']).optional(),
    doc: 'Overrides the gateway URL that `GET /gateway/bot` returns.',
  },
  intents: {
    env: 'GATEWAY_INTENTS',
    flag: 'intents',
    schema: schemas.nonNegativeInt(33281),
    doc: 'Gateway intents bitfield (default 33281: GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT).',
  },
  shardCount: {
    env: 'SHARD_COUNT',
    flag: 'shards',
    schema: z
      .union([z.literal('auto'), z.coerce.number().int().positive()], {
        message: 'expected auto or a positive integer',
      })
      .default('auto'),
    doc: "Total shards of the bot, or `auto` for Discord's recommendation.",
  },
  shardIds: {
    env: 'SHARD_IDS',
    flag: 'shard-ids',
    schema: optionalParsed(parseShardIds),
    doc: 'Shards this process owns, e.g. `0-7,12`, or `1-15/2` (every second shard; default all), so several processes split one bot (with SHARD_COUNT set to a number).',
  },
  compression: {
    env: 'GATEWAY_COMPRESSION',
    flag: 'compression',
    schema: z
      .enum(['none', 'zlib-stream', 'zstd-stream'], { message: 'expected none, zlib-stream or zstd-stream' })
      .default('zlib-stream'),
    doc: 'Transport compression of the gateway connections.',
  },
  presence: {
    env: 'GATEWAY_PRESENCE',
    flag: 'presence',
    schema: optionalParsed(parsePresence),
    doc: 'Presence sent with IDENTIFY, as JSON (`{"status":"online","activities":[...]}`).',
  },
  brokerUrl: {
    env: 'BROKER_URL',
    flag: 'broker-url',
    schema: z.string().default('memory:'),
    doc: 'Broker the envelopes are published to (`memory:`, `amqp://...`, `nats://...`).',
  },
  // The cache the shards write: backend, kept entities, lazy loading and eviction.
  ...cacheSettings,
  sessionStoreUrl: {
    env: 'SESSION_STORE_URL',
    flag: 'session-store-url',
    schema: storeUrl,
    doc: 'Where shard sessions are kept so a restart RESUMEs (`memory:` or `redis://...`).',
  },
  identifyUrl: {
    env: 'IDENTIFY_URL',
    flag: 'identify-url',
    schema: storeUrl,
    doc: 'Identify coordination: `memory:` (one process) or `redis://...` (processes sharing a bot).',
  },
  spoolDir: {
    env: 'GATEWAY_SPOOL_DIR',
    flag: 'spool-dir',
    schema: z.string().min(1).default('.shardwire/spool'),
    doc: 'Where envelopes wait (fsynced) while the broker is unreachable; `none` turns the spool off. Unused with `memory:`.',
  },
  spoolMaxMb: {
    env: 'GATEWAY_SPOOL_MAX_MB',
    flag: 'spool-max-mb',
    schema: schemas.positiveInt(256),
    doc: 'Spool size per shard, in MiB, before the shard stops reading (back-pressure, nothing dropped).',
  },
  partitions: {
    env: 'GATEWAY_PARTITIONS',
    flag: 'partitions',
    schema: schemas.positiveInt(1024),
    doc: 'Stable partitions stamped on envelopes (`(guild_id >> 22) % N`); keep it fixed for a bot, it survives resharding.',
  },
  reshardIntervalMs: {
    env: 'RESHARD_INTERVAL_MS',
    flag: 'reshard-interval-ms',
    schema: schemas.nonNegativeInt(8 * 60 * 60 * 1000),
    doc: "How often to compare Discord's recommended shard count with the running one and reshard when it grew (default 8 h; 0: never). With SHARD_IDS, only the process owning shard 0 checks, and all reshard together.",
  },
  reshardGraceMs: {
    env: 'RESHARD_GRACE_MS',
    flag: 'reshard-grace-ms',
    schema: schemas.nonNegativeInt(5_000),
    doc: 'After a reshard switches to the new shards, how long the old ones stay open to publish what only they received.',
  },
  reshardCoordinatorTimeoutMs: {
    env: 'RESHARD_COORDINATOR_TIMEOUT_MS',
    flag: 'reshard-coordinator-timeout-ms',
    schema: schemas.positiveInt(30_000),
    doc: "With SHARD_IDS: how long a process's part of a reshard waits on a silent coordinating process before it switches on the stored layout or gives up (and then follows a layout stored later).",
  },
  splitCheckIntervalMs: {
    env: 'SPLIT_CHECK_INTERVAL_MS',
    flag: 'split-check-interval-ms',
    schema: schemas.nonNegativeInt(60_000),
    doc: "With SHARD_IDS: how often to check that the bot's processes run one layout and every shard once, logging an error naming the shards run twice or by none (0: never).",
  },
  host: {
    env: 'GATEWAY_HOST',
    flag: 'host',
    schema: schemas.host('127.0.0.1'),
    doc: 'Address of /healthz, /metrics and POST /reshard.',
  },
  port: {
    env: 'GATEWAY_PORT',
    flag: 'port',
    schema: schemas.port(8082),
    doc: 'Port of /healthz, /metrics and POST /reshard (0: any).',
  },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', schema: schemas.logLevel(), doc: 'Log level.' },
} satisfies SettingsSpec;

export type GatewayConfig = ConfigOf<typeof gatewaySettings>;

/**
 * The gateway's settings (`loadConfig`), with the checks no setting can make alone. Throws a
 * `ConfigError`.
 */
export function loadGatewayConfig(sources: Parameters<typeof loadConfig>[1] = {}): GatewayConfig {
  const config = loadConfig(gatewaySettings, sources);
  if (config.shardIds && config.shardCount === 'auto') {
    // Ids "of auto" change meaning when Discord's recommendation does: processes started, or one
    // restarted, at different recommendations would leave shards to no one or run one twice.
    throw new ConfigError([
      'SHARD_IDS (--shard-ids): needs SHARD_COUNT (--shards) set to the count its ids are of, not auto',
    ]);
  }
  return config;
}
