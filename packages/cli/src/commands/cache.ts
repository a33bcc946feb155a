/** `shardwire cache stats`: what the shared cache holds (entities by type, memory used, guilds by activity). */
import { cacheSettings, createCache } from '@shardwire/cache';
import { ConfigError, loadConfig } from '@shardwire/core';
import type { Command } from './Command.js';

const settings = { cacheUrl: cacheSettings.cacheUrl, cacheKeyPrefix: cacheSettings.cacheKeyPrefix } as const;

const command: Command = {
  summary:
    'Inspect the shared cache: `shardwire cache stats` (entities by type, memory used, guilds by activity)',
  usage: 'shardwire cache stats [--cache-url redis://127.0.0.1:6379] [--json]',
  settings,
  async run({ flags, args, env }) {
    const [sub] = args;
    if (sub !== 'stats')
      throw new ConfigError([`unknown subcommand ${JSON.stringify(sub ?? '')}; try: shardwire cache stats`]);
    const config = loadConfig(settings, { env, flags });
    if (!config.cacheUrl || config.cacheUrl.startsWith('memory:')) {
      throw new ConfigError([
        'CACHE_URL (--cache-url): a memory: cache lives inside the process that runs it; ' +
          'point it at the shared Redis cache (redis://host:port).',
      ]);
    }
    const cache = await createCache(config.cacheUrl, { keyPrefix: config.cacheKeyPrefix });
    try {
      const stats = await cache.stats();
      if (flags.json) {
        console.log(JSON.stringify(stats, null, 2));
        return;
      }
      const rows: [string, string | number][] = [
        ['backend', stats.backend],
        ...Object.entries(stats.entities),
        ['memory used', formatBytes(stats.bytes)],
        ['active < 5 min', stats.activity.last5m],
        ['active < 1 h', stats.activity.last1h],
        ['active < 24 h', stats.activity.last24h],
        ['idle > 24 h', stats.activity.older],
      ];
      const width = Math.max(...rows.map(([k]) => k.length));
      for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);
    } finally {
      await cache.close();
    }
  },
};

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

export default command;
