/** `session_start_limit.remaining` at 0 against the simulator: the gateway waits, says why, then identifies. */
import { recordingLogger } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ShardManager } from '../manager/ShardManager.js';
import { stats } from '../testing/sim.js';
import { type Cleanups, startSimWorld } from '../testing/simWorld.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The simulator's 24 h session start window scaled to 3 s (its 5 s identify window to well under 1 ms). */
const RESET_MS = 3_000;

describe('session start limit used up, against the simulator', () => {
  it('waits for reset_after and logs why instead of identifying, then identifies', async () => {
    const { sim, rest, managerOptions } = await startSimWorld(2, cleanups, {
      limitScale: RESET_MS / (24 * 60 * 60 * 1000),
    });
    const patched = await fetch(`${sim.url}/_sim/bots/${sim.defaultBot.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sessionStartLimit: 1 }),
    });
    expect(patched.status).toBe(200);
    // The gateway's own identify throttler, not the world's 60 ms one: its session-limit wait is tested.
    const { identifyThrottler: _worldThrottler, ...shared } = managerOptions;
    const options = { ...shared, shardCount: 1 };

    // A first gateway takes the one IDENTIFY of the window and ends its session.
    const first = new ShardManager(options);
    await first.start();
    await first.waitUntilReady();
    await first.stop({ keepSession: false });
    const limit = (
      await rest.request<{ session_start_limit: { remaining: number; reset_after: number } }>({
        method: 'GET',
        path: '/gateway/bot',
      })
    ).session_start_limit;
    expect(limit.remaining).toBe(0);
    expect(limit.reset_after).toBeGreaterThan(0);

    // A second one (its own session store: nothing to RESUME) must IDENTIFY.
    const { logger, lines: logged } = recordingLogger('gateway');
    const lines = logged as { msg: string; waitMs?: number }[];
    const second = new ShardManager({ ...options, logger });
    cleanups.push(() => second.stop());
    await second.start();
    await second.waitUntilReady();

    // It said why it waited (at start-up and when the shard's turn came) ...
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'session start limit is lower than the shards to identify: some shards will wait for the reset',
        expect.stringMatching(
          /^session start limit used up: waiting \d+ s for it to reset rather than identify$/,
        ),
      ]),
    );
    const waited = lines.find((l) => l.msg.startsWith('session start limit used up: waiting'));
    expect(waited?.waitMs).toBeGreaterThan(0);
    // ... and sent no IDENTIFY before the reset: the simulator refused none, and the second session is
    // the window's second IDENTIFY, taken after it reset.
    const after = (await stats(sim)) as Awaited<ReturnType<typeof stats>> & {
      refusedIdentifies: Record<string, number>;
    };
    expect(after.refusedIdentifies).toEqual({});
    expect(after.identifies).toBe(2);
    expect(second.health().ok).toBe(true);
  });
});
