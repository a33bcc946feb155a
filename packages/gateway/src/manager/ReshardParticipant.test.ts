/**
 * A process's part of a split bot's reshard when the coordinating process goes silent: a part
 * still loading fails; a loaded part switches when the shared session store already holds the new
 * layout (the others switched), and fails when it does not.
 */
import { MemoryBroker } from '@shardwire/broker';
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReshardMessage, ReshardReply } from '../reshard/coordination.js';
import type { ShardLayout } from '../sessionStore/SessionStore.js';
import { ReshardParticipant } from './ReshardParticipant.js';

const subject = 'gateway.reshard.1';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/**
 * A participant whose host runs 4 of 8 shards; `stored`: the layout each read of the store finds
 * (the last one again once they run out); `loads`: its part reaches the barrier.
 */
async function participant(stored: (ShardLayout | undefined)[], loads = true) {
  const broker = new MemoryBroker();
  const clock = new ManualClock();
  const part = { switched: false, abortedWith: undefined as Error | undefined, parts: 0 };
  const host = {
    status: () => ({ shardCount: 8, generation: 0, shards: [0, 1, 2, 3] }),
    reshard: (to: number, beforeSwitch: (signal: AbortSignal) => Promise<void>) => {
      part.parts++;
      const controller = new AbortController();
      host.abort = (reason: Error) => {
        part.abortedWith = reason;
        controller.abort(reason);
      };
      if (!loads) {
        return new Promise<never>((_, reject) =>
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason)),
        );
      }
      return beforeSwitch(controller.signal).then(() => {
        part.switched = true;
        return { from: 8, to, releasedAtSwitch: 0, missingGuilds: [] };
      });
    },
    abort: (_reason: Error) => {},
    storedLayout: async () => (stored.length > 1 ? stored.shift() : stored[0]),
  };
  const participant = new ReshardParticipant(broker, subject, host, {
    instance: 'p1',
    clock,
    coordinatorTimeoutMs: 50,
  });
  await participant.start();
  closers.push(async () => {
    await participant.close();
    await broker.close();
  });
  const [reply] = await broker.broadcast<ReshardMessage, ReshardReply>(subject, {
    type: 'prepare',
    coordinator: 'c1',
    to: 16,
    generation: 1,
  });
  expect(reply).toEqual({ instance: 'p1', ok: true });
  // The coordinator is silent from here on.
  clock.advance(60);
  const phase = async () => {
    const [status] = await broker.broadcast<ReshardMessage, { reshard?: { phase: string } }>(subject, {
      type: 'status',
    });
    return status?.reshard?.phase;
  };
  /** The phase once it is none of `passing` (or after 2 s). */
  const settled = async (passing = ['loading', 'loaded']) => {
    for (let i = 0; i < 100 && passing.includes((await phase()) ?? ''); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return phase();
  };
  return { part, settled };
}

describe('a reshard part whose coordinator went silent', () => {
  it('switches when it is loaded and the new layout is stored: the others switched', async () => {
    const { part, settled } = await participant([{ shardCount: 16, generation: 1 }]);
    expect(await settled()).toBe('done');
    expect(part).toEqual({ switched: true, abortedWith: undefined, parts: 1 });
  });

  it('fails when the stored layout is still the old one (the coordinator stopped before the switch)', async () => {
    const { part, settled } = await participant([{ shardCount: 8, generation: 0 }]);
    expect(await settled()).toBe('failed');
    // The second look at the store, after another 50 ms, finds the old layout too: it stays failed.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await settled()).toBe('failed');
    expect(part).toMatchObject({ switched: false, parts: 1 });
    expect(part.abortedWith?.message).toMatch(/no word from the coordinating process for 50 ms/);
  });

  it('fails, then follows alone when the layout is stored after it gave up (the others switched late)', async () => {
    const { part, settled } = await participant([
      { shardCount: 8, generation: 0 },
      { shardCount: 16, generation: 1 },
    ]);
    expect(await settled()).toBe('failed');
    // Its own reshard to the stored 16, without a barrier: a second part, which completes.
    expect(await settled(['failed', 'switching'])).toBe('done');
    expect(part).toMatchObject({ switched: true, parts: 2 });
  });

  it('fails when no layout is stored, and when it is still loading', async () => {
    const none = await participant([undefined]);
    expect(await none.settled()).toBe('failed');
    const loading = await participant([{ shardCount: 8, generation: 0 }], false);
    expect(await loading.settled()).toBe('failed');
    expect(loading.part.abortedWith?.message).toMatch(/no word from the coordinating process/);
  });
});
