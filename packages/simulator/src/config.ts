/** The simulator's settings, from environment variables and `shardwire simulator` flags (flags win). */
import { type Flags, loadConfig, schemas } from '@shardwire/core';
import { z } from 'zod';

export const simulatorSettings = {
  port: {
    env: 'SIM_PORT',
    flag: 'port',
    schema: schemas.port(8080),
    doc: 'Port of the simulator (REST, gateway and /_sim)',
  },
  host: {
    env: 'SIM_HOST',
    flag: 'host',
    schema: schemas.host('127.0.0.1'),
    doc: 'Address the simulator listens on',
  },
  guilds: {
    env: 'SIM_GUILDS',
    flag: 'guilds',
    schema: schemas.nonNegativeInt(1),
    doc: 'Guilds created at start with the default bot',
  },
  seed: {
    env: 'SIM_SEED',
    flag: 'seed',
    schema: z.coerce
      .number({ message: 'expected an integer seed' })
      .int({ message: 'expected an integer seed' })
      .min(0, { message: 'expected a non-negative integer seed' })
      .optional(),
    doc: 'Seed for deterministic names, ids and tokens (random when unset)',
  },
  heartbeatIntervalMs: {
    env: 'SIM_HEARTBEAT_INTERVAL_MS',
    flag: 'heartbeat-interval',
    schema: schemas.positiveInt(41_250),
    doc: "HELLO's heartbeat_interval in ms",
  },
  resumeWindowMs: {
    env: 'SIM_RESUME_WINDOW_MS',
    flag: 'resume-window',
    schema: schemas.positiveInt(120_000),
    doc: 'How long a dropped gateway session stays resumable, in ms',
  },
  rateLimits: {
    env: 'SIM_RATE_LIMITS',
    flag: 'rate-limits',
    schema: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'], { message: 'expected true or false' })])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(true),
    doc: "Discord's rate limits: REST (route buckets, global, shared, invalid-request bans) and gateway (IDENTIFY per max_concurrency bucket and per day, op 8 all-member requests); false turns them off (IDENTIFYs still count in remaining)",
  },
  limitScale: {
    env: 'SIM_LIMIT_SCALE',
    flag: 'limit-scale',
    schema: z.coerce
      .number({ message: 'expected a positive number' })
      .positive({ message: 'expected a positive number' })
      .max(1000, { message: 'expected a number up to 1000' })
      .default(1),
    doc: 'Multiplies every limit window (counts stay); 0.01 makes 5 per 5 s into 5 per 50 ms',
  },
  invalidRequestLimit: {
    env: 'SIM_INVALID_REQUEST_LIMIT',
    flag: 'invalid-request-limit',
    schema: schemas.positiveInt(10_000),
    doc: 'Invalid requests (401, 403, non-shared 429) per IP per 10 min (scaled) before a temporary ban',
  },
  logLevel: { env: 'LOG_LEVEL', flag: 'log-level', schema: schemas.logLevel(), doc: 'Log level' },
};

export type SimulatorConfig = ReturnType<typeof loadSimulatorConfig>;

export function loadSimulatorConfig(
  sources: { env?: Record<string, string | undefined>; flags?: Flags } = {},
) {
  return loadConfig(simulatorSettings, sources);
}
