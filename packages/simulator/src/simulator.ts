/** `startSimulator`: wires the store, world, gateway, REST and control API onto one port. */
import type { AddressInfo } from 'node:net';
import { type Clock, createLogger, type Logger, systemClock } from '@shardwire/core';
import { controlRoutes } from './control/routes.js';
import { Dispatcher } from './gateway/dispatcher.js';
import { GatewayServer } from './gateway/gatewayServer.js';
import { ALL_MEMBERS_INTERVAL_MS, GuildCommands } from './gateway/guildCommands.js';
import { SessionRegistry } from './gateway/sessionRegistry.js';
import { DEFAULT_SESSION_START_LIMIT, SessionStartLimits } from './gateway/sessionStartLimit.js';
import { createHttpServer } from './rest/httpServer.js';
import { RestOutage } from './rest/outage.js';
import { authenticate, type RequestStage } from './rest/pipeline.js';
import { DEFAULT_INVALID_REQUESTS, InvalidRequests } from './rest/rateLimit/invalidRequests.js';
import { RateLimiter } from './rest/rateLimit/rateLimiter.js';
import { invalidRequestStage, rateLimitStage } from './rest/rateLimit/stage.js';
import { IdSource } from './state/idSource.js';
import { createRandom } from './state/random.js';
import { Store } from './state/store.js';
import { SimStats } from './stats.js';
import { LoadGenerator } from './world/loadGenerator.js';
import { World } from './world/world.js';

export interface SimulatorOptions {
  /** 0 = ephemeral (tests); the CLI defaults to 8080. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Pre-create N guilds with the default bot (each with a few channels, roles, members). */
  guilds?: number;
  /** Deterministic names, ids and tokens for everything created at start. */
  seed?: number;
  logger?: Logger;
  /** HELLO's heartbeat_interval, default 41250; tests use small values. */
  heartbeatIntervalMs?: number;
  /** How long a dropped session stays resumable, default 120 s. */
  resumeWindowMs?: number;
  /**
   * Dispatches a connected session keeps for a RESUME from an older seq than its last, default
   * 10,000. What a disconnected session misses is all kept, until `resumeWindowMs` ends it.
   */
  historyPerSession?: number;
  /** Time source for heartbeats, resume windows and limits (tests inject a ManualClock). */
  clock?: Clock;
  /**
   * Discord's limits: REST per-route buckets and headers, the per-bot global limit, shared
   * per-resource limits, the invalid-request ban; on the gateway, the session start limit (IDENTIFY
   * past `total`, or twice in one `max_concurrency` bucket within 5 s, gets op 9). Default true.
   */
  rateLimits?: boolean;
  /**
   * Multiplies every limit *window* (route bucket resets, the 1 s global window, shared limits, the
   * 10 min invalid-request window, the 1 h ban, the 24 h session start reset, the 5 s IDENTIFY
   * concurrency window, the 30 s op 8 limit). Counts per window (5 messages, 50 per second,
   * 1 reaction, 10,000 invalid requests) stay. Default 1; 0.01 turns "5 per 5 s" into "5 per 50 ms"
   * so tests hit and outlive limits in milliseconds.
   */
  limitScale?: number;
  /** Invalid requests (401, 403, non-shared 429) per IP per window before a ban; default 10,000. */
  invalidRequestLimit?: number;
}

export interface SimBot {
  id: string;
  applicationId: string;
  username: string;
  token: string;
}

export interface RunningSimulator {
  /** `http://host:port`; the control API is at `url + '/_sim'`. */
  url: string;
  /** `url + '/api/v10'`. */
  restUrl: string;
  /** `ws://host:port`. */
  gatewayUrl: string;
  defaultBot: SimBot;
  /** The state, for in-process tests and benchmarks that need more than the control API. */
  world: World;
  close(): Promise<void>;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
export const DEFAULT_RESUME_WINDOW_MS = 120_000;

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: 'simulator', level: 'warn' });
  const random = createRandom(options.seed);
  const store = new Store();
  const sessions = new SessionRegistry(clock, options.resumeWindowMs ?? DEFAULT_RESUME_WINDOW_MS);
  const dispatcher = new Dispatcher(store, sessions);
  const ids = new IdSource(clock, random, options.seed !== undefined);
  const world = new World(store, dispatcher, ids, random, clock);
  const stats = new SimStats();
  const scale = options.limitScale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('limitScale must be a positive number');
  const rateLimitsOn = options.rateLimits ?? true;
  const limiter = new RateLimiter(clock, { scale });
  const startLimits = new SessionStartLimits(clock, {
    resetAfterMs: limiter.window(DEFAULT_SESSION_START_LIMIT.resetAfterMs),
    identifyIntervalMs: limiter.window(DEFAULT_SESSION_START_LIMIT.identifyIntervalMs),
    enforce: rateLimitsOn,
  });
  const invalid = new InvalidRequests(clock, {
    threshold: options.invalidRequestLimit ?? DEFAULT_INVALID_REQUESTS.threshold,
    windowMs: limiter.window(DEFAULT_INVALID_REQUESTS.windowMs),
    banMs: limiter.window(DEFAULT_INVALID_REQUESTS.banMs),
  });
  const outage = new RestOutage(clock);
  const stages: RequestStage[] = rateLimitsOn
    ? [
        invalidRequestStage(invalid, stats),
        outage.stage(),
        authenticate(store, world.oauth2),
        rateLimitStage(limiter, stats),
      ]
    : [outage.stage(), authenticate(store, world.oauth2)];

  const defaultBot = world.createBot({ username: 'shardwire-bot' });
  for (let i = 0; i < (options.guilds ?? 0); i++) world.createGuild();
  ids.followClock();

  let baseUrl = '';
  let gatewayUrl = '';
  const gateway = new GatewayServer({
    store,
    sessions,
    stats,
    startLimits,
    commands: new GuildCommands({
      store,
      dispatcher,
      clock,
      allMembersIntervalMs: rateLimitsOn ? limiter.window(ALL_MEMBERS_INTERVAL_MS) : 0,
    }),
    clock,
    logger: logger.child({ component: 'gateway' }),
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    historyPerSession: options.historyPerSession ?? 10_000,
    gatewayUrl: () => gatewayUrl,
  });
  const load = new LoadGenerator(store, dispatcher, createRandom(), clock);
  const app = await createHttpServer({
    logger,
    stats,
    api: {
      world,
      baseUrl: () => baseUrl,
      gatewayUrl: () => gatewayUrl,
      startLimits,
      stages,
      limits: rateLimitsOn ? limiter : undefined,
    },
    extraRoutes: (server) =>
      controlRoutes(server, {
        world,
        sessions,
        stats,
        baseUrl: () => baseUrl,
        rest: { enabled: rateLimitsOn, scale, limiter, invalid, outage },
        startLimits,
        load,
      }),
  });
  app.server.on('upgrade', (request, socket, head) => gateway.handleUpgrade(request, socket, head));

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const { port } = app.server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}`;
  gatewayUrl = `ws://${urlHost}:${port}`;
  logger.info({ url: baseUrl, guilds: store.guilds.size }, 'simulator listening');

  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    restUrl: `${baseUrl}/api/v10`,
    gatewayUrl,
    defaultBot: {
      id: defaultBot.user.id,
      applicationId: defaultBot.applicationId,
      username: defaultBot.user.username,
      token: defaultBot.token,
    },
    world,
    close: () => {
      closing ??= (async () => {
        load.stop();
        await gateway.close();
        await app.close();
      })();
      return closing;
    },
  };
}
