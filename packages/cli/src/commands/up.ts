/** `shardwire up`: the whole platform in one process, on embedded defaults, against the simulator. */
import { createLogger, loadConfig, Shutdown } from '@shardwire/core';
import { type PlatformConfig, platformSettings } from '../platform/settings.js';
import { type Platform, startPlatform } from '../platform/startPlatform.js';
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
    const shutdown = new Shutdown(logger);
    shutdown.listen(); // a signal during start-up stops it, then shuts down as usual
    const platform = await startPlatform(config, logger, {
      onProgress: (message) => say(`  … ${message}`),
      signal: shutdown.signal,
    }).catch((err: unknown) => {
      // Stopped by the signal: startPlatform has closed what it started.
      if (shutdown.signal.aborted && err === shutdown.signal.reason) return undefined;
      throw err;
    });
    if (platform) {
      shutdown.add('platform', () => platform.close());
      say(await summary(platform, config, (Date.now() - started) / 1000));
    }
    await shutdown.untilSignal();
    say('shardwire stopped.');
  },
};

/** What runs where and how to talk to the bot, printed once the platform is up. */
async function summary(platform: Platform, config: PlatformConfig, seconds: number): Promise<string> {
  const { simulator, gateway, restProxy, bot } = platform;
  const guilds = await platform.cache.guildCount();
  const lines = [
    '',
    `shardwire is up in ${seconds.toFixed(1)} s: ${bot.username} on ${gateway.manager.shardCount} shard${gateway.manager.shardCount === 1 ? '' : 's'}, ${guilds} guild${guilds === 1 ? '' : 's'} in the cache`,
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
  return lines.join('\n');
}

/** A text channel of the first guild, for the curl example. */
async function firstTextChannel(simulatorUrl: string): Promise<string | undefined> {
  const response = await fetch(`${simulatorUrl}/_sim/guilds?limit=1`);
  if (!response.ok) return undefined;
  const guilds = (await response.json()) as { channels?: { id: string; type: number }[] }[];
  return guilds[0]?.channels?.find((channel) => channel.type === 0)?.id;
}

export default command;
