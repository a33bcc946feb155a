import { ConfigError, loadConfig } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { gatewaySettings, loadGatewayConfig } from './config.js';
import { parseShardIds } from './shardIds.js';

describe('gateway config', () => {
  it('has defaults for everything but the token', () => {
    const config = loadConfig(gatewaySettings, { env: { DISCORD_TOKEN: 'x' } });
    expect(config).toMatchObject({
      shardCount: 'auto',
      shardIds: undefined,
      compression: 'zlib-stream',
      brokerUrl: 'memory:',
      sessionStoreUrl: 'memory:',
      port: 8082,
      reshardCoordinatorTimeoutMs: 30_000,
      splitCheckIntervalMs: 60_000,
    });
  });

  it('reads flags over the environment', () => {
    const config = loadConfig(gatewaySettings, {
      env: { DISCORD_TOKEN: 'x', SHARD_COUNT: '8' },
      flags: { shards: '16', 'shard-ids': '0-3,8', presence: '{"status":"idle"}' },
    });
    expect(config.shardCount).toBe(16);
    expect(config.shardIds).toEqual([0, 1, 2, 3, 8]);
    expect(config.presence).toEqual({ status: 'idle' });
  });

  it('reads the split-bot timings, and refuses a coordinator timeout of 0', () => {
    const config = loadGatewayConfig({
      env: { DISCORD_TOKEN: 'x', RESHARD_COORDINATOR_TIMEOUT_MS: '5000', SPLIT_CHECK_INTERVAL_MS: '0' },
    });
    expect(config).toMatchObject({ reshardCoordinatorTimeoutMs: 5_000, splitCheckIntervalMs: 0 });
    expect(() =>
      loadGatewayConfig({ env: { DISCORD_TOKEN: 'x', RESHARD_COORDINATOR_TIMEOUT_MS: '0' } }),
    ).toThrow(/RESHARD_COORDINATOR_TIMEOUT_MS \(--reshard-coordinator-timeout-ms\)/);
  });

  it('names the variable and never echoes the token', () => {
    const run = () =>
      loadConfig(gatewaySettings, {
        env: { DISCORD_TOKEN: '', SHARD_COUNT: 'many', SESSION_STORE_URL: 'postgres://x', SHARD_IDS: '3-1' },
      });
    expect(run).toThrow(ConfigError);
    const message = (() => {
      try {
        run();
      } catch (err) {
        return (err as Error).message;
      }
    })()!;
    expect(message).toContain('DISCORD_TOKEN: expected the bot token');
    expect(message).toContain('SHARD_COUNT (--shards): expected auto or a positive integer, got "many"');
    expect(message).toContain('SESSION_STORE_URL (--session-store-url): expected memory: or a redis:// URL');
    expect(message).toContain('SHARD_IDS (--shard-ids): range "3-1" runs backwards');
  });
});

describe('loadGatewayConfig', () => {
  it('refuses SHARD_IDS without a SHARD_COUNT number (auto), and takes it with one', () => {
    expect(() => loadGatewayConfig({ env: { DISCORD_TOKEN: 'x', SHARD_IDS: '0-3' } })).toThrow(
      /SHARD_IDS \(--shard-ids\): needs SHARD_COUNT \(--shards\) set to the count its ids are of, not auto/,
    );
    expect(
      loadGatewayConfig({ env: { DISCORD_TOKEN: 'x', SHARD_IDS: '0-3', SHARD_COUNT: '8' } }),
    ).toMatchObject({
      shardCount: 8,
      shardIds: [0, 1, 2, 3],
    });
  });
});

describe('parseShardIds', () => {
  it.each([
    ['0', [0]],
    ['0-3', [0, 1, 2, 3]],
    ['5, 1-2 ,5', [1, 2, 5]],
    ['0-15/4', [0, 4, 8, 12]],
    ['1-7/2,8', [1, 3, 5, 7, 8]],
    ['3-3/5', [3]],
  ])('%s', (text, ids) => {
    expect(parseShardIds(text)).toEqual(ids);
  });

  it.each([
    ['a', '"a" is not a shard id or range'],
    ['', 'expected at least one shard id'],
    ['-1', '"-1" is not a shard id or range'],
    ['0-7/0', 'range "0-7/0" needs a step of at least 1'],
    ['4/2', '"4/2" is not a shard id or range (expected e.g. 0-7,12 or 0-15/2)'],
  ])('refuses %s', (text, message) => {
    expect(() => parseShardIds(text)).toThrow(message);
  });
});
