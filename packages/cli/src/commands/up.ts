/** `shardwire up`: the whole platform in one process, on embedded defaults, against the simulator. */
import { createLogger, loadConfig, Shutdown } from '@shardwire/core';
import { platformSettings } from '../platform/settings.js';
import { startPlatform } from '../platform/startPlatform.js';
import type { Command } from './Command.js';

const command: Command = {
  summary: 'Run everything in one process: simulator, gateway, broker, cache, rest-proxy and the example bot',
  usage: [
    'shardwire up [--port 8080] [--shards auto|N] [--guilds N] [--host 127.0.0.1]',
    '             [--broker-url memory:] [--cache-url memory:] [--log-level warn]',
    'With DISCORD_TOKEN set it connects to real Discord (or DISCORD_API_URL) instead of starting the simulator.',
  ].join('\n'),
  settings: platformSettings,
  async run({ flags, env }) {
    const config = loadConfig(platformSettings, { env, flags });
    const logger = createLogger({ name: 'shardwire', level: config.logLevel });
    const say = (line: string) => process.stdout.write(`${line}\n`);
    const started = Date.now();
    const platform = await startPlatform(config, logger, { onProgress: (message) => say(`  … ${message}`) });
    const shutdown = new Shutdown(logger);
    shutdown.add('platform', () => platform.close());

    const { simulator, gateway, restProxy, bot } = platform;
    const guilds = await platform.cache.guildCount();
    const lines = [
      '',
      `shardwire is up in ${((Date.now() - started) / 1000).toFixed(1)} s: ${bot.username} on ${gateway.manager.shardCount} shard${gateway.manager.shardCount === 1 ? '' : 's'}, ${guilds} guild${guilds === 1 ? '' : 's'} in the cache`,
      '',
      simulator
        ? `  Simulator:   ${simulator.url}   (control API ${simulator.url}/_sim)`
        : '  Discord:     real (DISCORD_TOKEN)',
      `  Rest-proxy:  ${restProxy.url}/api/v10`,
      `  Gateway:     ${gateway.url}/healthz   ${gateway.url}/metrics`,
      `  Broker:      ${config.brokerUrl}   Cache: ${config.cacheUrl ?? 'memory:'}`,
    ];
    if (simulator) {
      const channel = await firstTextChannel(simulator.url);
      if (channel) {
        lines.push(
          '',
          'Talk to the bot (!ping, !echo <text>, !guilds):',
          `  curl -s -X POST ${simulator.url}/_sim/channels/${channel}/messages -H 'content-type: application/json' -d '{"content":"!ping"}'`,
          `  curl -s ${simulator.url}/_sim/channels/${channel}/messages`,
        );
      }
    }
    lines.push('', 'Press Ctrl-C to stop.', '');
    say(lines.join('\n'));
    await shutdown.untilSignal();
    say('shardwire stopped.');
  },
};

/** A text channel of the first guild, for the curl example. */
async function firstTextChannel(simulatorUrl: string): Promise<string | undefined> {
  const response = await fetch(`${simulatorUrl}/_sim/guilds?limit=1`);
  if (!response.ok) return undefined;
  const guilds = (await response.json()) as { channels?: { id: string; type: number }[] }[];
  return guilds[0]?.channels?.find((channel) => channel.type === 0)?.id;
}

export default command;
