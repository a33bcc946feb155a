/** `shardwire up`'s settings: ports, shards and guilds, and the backends (embedded by default). */
import { cacheSettings } from '@shardwire/cache';
import { type ConfigOf, type SettingsSpec, schemas } from '@shardwire/core';
import { gatewaySettings } from '@shardwire/gateway';
import { z } from 'zod';

export const platformSettings = {
  port: {
    env: 'PORT',
    flag: 'port',
    schema: schemas.port(8080),
    doc: 'The simulator listens here, the rest-proxy on the next port and the gateway health on the one after (0: any free ports)',
  },
  host: { env: 'HOST', flag: 'host', schema: schemas.host('127.0.0.1'), doc: 'Address every service binds' },
  guilds: {
    env: 'SIM_GUILDS',
    flag: 'guilds',
    schema: schemas.nonNegativeInt(3),
    doc: 'Guilds the simulator creates for the bot at start',
  },
  token: {
    env: 'DISCORD_TOKEN',
    schema: z.string().min(1).optional(),
    doc: 'Run against real Discord with this bot token instead of the simulator',
    secret: true,
  },
  // The same settings `shardwire gateway` reads: one variable, one meaning.
  shards: gatewaySettings.shardCount,
  apiUrl: gatewaySettings.apiUrl,
  brokerUrl: gatewaySettings.brokerUrl,
  ...cacheSettings,
  logLevel: {
    env: 'LOG_LEVEL',
    flag: 'log-level',
    schema: schemas.logLevel().default('warn'),
    doc: 'Log level',
  },
} satisfies SettingsSpec;

export type PlatformConfig = ConfigOf<typeof platformSettings>;
