/**
 * Ctrl-C while `shardwire up` is still starting: its 3 shards identify 5 s apart (max_concurrency
 * 1), and the SIGINT lands after the first is READY. The platform closes what it started, identifies
 * no further shard, ignores the second Ctrl-C and exits with code 0. The simulator runs apart (through
 * DISCORD_TOKEN and DISCORD_API_URL) so its counts outlive the process.
 */
import { createLogger } from '@shardwire/core';
import { startSimulator } from '@shardwire/simulator';
import { afterEach, describe, expect, it } from 'vitest';
import { stats } from '../../packages/gateway/src/testing/sim.js';
import { interrupt, startUp, untilOutput } from '../support/upProcess.js';

describe('shardwire up: Ctrl-C during start-up', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('stops starting shards, closes every service and exits with code 0', async () => {
    const sim = await startSimulator({
      port: 0,
      guilds: 3,
      logger: createLogger({ name: 'sim', level: 'error' }),
    });
    cleanups.push(() => sim.close());
    const run = startUp('bin', ['--shards', '3'], {
      DISCORD_TOKEN: sim.defaultBot.token,
      DISCORD_API_URL: `${sim.url}/api`,
      LOG_LEVEL: 'info',
    });
    await untilOutput(run, /shards ready: 1\/3/, 30_000);
    const identifiesAtSignal = (await stats(sim)).identifies;

    const stopped = interrupt(run);
    process.kill(-run.child.pid!, 'SIGINT'); // npx forwards Ctrl-C a second time
    const { code } = await stopped;

    expect(code).toBe(0);
    const output = run.stdout();
    expect(output).not.toContain('shardwire is up');
    expect(output).toContain('SIGINT during start-up: stopping it');
    expect(output).toContain('"reason":"SIGINT","msg":"shutting down"');
    expect(output).toContain('shardwire stopped.\n');
    expect(output).toContain('worker stopped');
    expect(output).not.toContain('stop failed');
    expect(run.stderr()).not.toMatch(/unhandled|rejection|error/i);
    const afterExit = await stats(sim);
    expect(afterExit.identifies).toBe(identifiesAtSignal);
    expect(afterExit.identifies).toBeLessThan(3);
  }, 60_000);
});
