/** startPlatform with its signal aborted before the gateway starts: it closes what it started and throws the reason. */
import { createLogger, loadConfig } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { platformSettings } from './settings.js';
import { startPlatform } from './startPlatform.js';

describe('startPlatform aborted', () => {
  it('rejects with the reason instead of waiting for shards it never opened, the simulator closed', async () => {
    const config = loadConfig(platformSettings, { env: {}, flags: { port: '0', guilds: '1' } });
    const progress: string[] = [];
    const started = startPlatform(config, createLogger({ name: 'up-test', level: 'silent' }), {
      onProgress: (message) => progress.push(message),
      signal: AbortSignal.abort('SIGINT'),
    });
    await expect(started).rejects.toBe('SIGINT');
    const simulatorUrl = progress.join('\n').match(/simulator listening on (\S+)/)![1]!;
    await expect(fetch(`${simulatorUrl}/_sim/stats`)).rejects.toThrow();
    expect(progress.some((message) => message.startsWith('shards ready'))).toBe(false);
  });
});
