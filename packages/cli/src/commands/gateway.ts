/** `shardwire gateway`: the shards of a bot, publishing every dispatch to the broker. */
import { createBroker } from '@shardwire/broker';
import { createCacheFromConfig } from '@shardwire/cache';
import { createLogger, createMetricsRegistry, Shutdown } from '@shardwire/core';
import { gatewaySettings, loadGatewayConfig, startGatewayService } from '@shardwire/gateway';
import { RestClient } from '@shardwire/rest';
import type { Command } from './Command.js';
import { reshard } from './gateway/reshard.js';

const command: Command = {
  summary: 'Run the gateway: hold the shards, update the cache, publish every dispatch to the broker',
  usage: [
    'shardwire gateway [--shards auto|N] [--shard-ids 0-7,12] [--intents 33281] [--compression zlib-stream]',
    '                  [--api-url https://discord.com/api] [--broker-url memory:] [--cache-url memory:]',
    '                  [--session-store-url redis://…] [--identify-url redis://…] [--port 8082] [--log-level info]',
    'The token comes from DISCORD_TOKEN.',
    'shardwire gateway reshard [--shards N] [--url http://127.0.0.1:8082]',
    '  asks the running gateway (POST /reshard on its ops port) to reshard to N shards (default: Discord’s',
    '  recommendation) without downtime, and waits until the old shards are closed. Processes splitting a bot',
    '  (SHARD_IDS) reshard together, asked of any one of them, to a count at which each keeps its own guilds',
    '  (a multiple of the running count; any multiple of P for P processes running interleaved ids, e.g. 0-15/2).',
  ].join('\n'),
  settings: gatewaySettings,
  async run({ flags, env, args }) {
    if (args[0] === 'reshard') return reshard(flags, env);
    const config = loadGatewayConfig({ env, flags });
    const logger = createLogger({ name: 'gateway', level: config.logLevel });
    const registry = createMetricsRegistry('gateway');
    const shutdown = new Shutdown(logger);
    shutdown.listen(); // a signal during start-up stops it, then shuts down as usual
    const broker = await createBroker(config.brokerUrl, { logger, registry });
    shutdown.add('broker', () => broker.close());
    const rest = new RestClient({ token: config.token, baseUrl: config.apiUrl, logger });
    shutdown.add('rest', () => rest.close());
    const cache = await createCacheFromConfig(config, { rest, logger, registry });
    shutdown.add('cache', () => cache.close());
    const service = await startGatewayService(
      config,
      { broker, cache, rest, logger, registry },
      shutdown.signal,
    ).catch(async (err: unknown) => {
      await shutdown.run('start-up failed');
      throw err;
    });
    shutdown.add('gateway', () => service.close());
    if (!shutdown.signal.aborted) {
      logger.info(
        { shards: service.manager.shards.size, shardCount: service.manager.shardCount, ops: service.url },
        `gateway running: /healthz and /metrics on ${service.url}`,
      );
    }
    await shutdown.untilSignal();
  },
};

export default command;
