/** `shardwire rest-proxy`: Discord's HTTP API with rate limits kept in one place for every process. */
import { createLogger, Shutdown } from '@shardwire/core';
import { loadRestProxyConfig, restProxySettings, startRestProxy } from '@shardwire/rest';
import type { Command } from './Command.js';

const command: Command = {
  summary: 'Run the REST proxy: one place owns Discord rate limits for every bot, process and instance',
  usage:
    'shardwire rest-proxy [--port 8081] [--host 0.0.0.0] [--upstream https://discord.com/api] [--redis redis://…] [--secret …] [--global-limit 50]',
  settings: restProxySettings,
  async run({ flags, env }) {
    const config = loadRestProxyConfig({ env, flags });
    const logger = createLogger({ name: 'rest-proxy', level: config.logLevel });
    const running = await startRestProxy(config, logger);
    const shutdown = new Shutdown(logger);
    shutdown.add('rest-proxy', () => running.close());
    await shutdown.untilSignal();
  },
};

export default command;
