import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../gateway/dispatcher.js';
import { SessionRegistry } from '../gateway/sessionRegistry.js';
import { IdSource } from '../state/idSource.js';
import { createRandom } from '../state/random.js';
import { Store } from '../state/store.js';
import { type LoadEvent, pickKind } from './loadEvents.js';
import { LoadGenerator } from './loadGenerator.js';
import { World } from './world.js';

const T0 = 1_750_000_000_000;

function setUp(guilds: number) {
  const clock = new ManualClock(T0);
  const store = new Store();
  const sessions = new SessionRegistry(clock, 1000);
  const dispatcher = new Dispatcher(store, sessions);
  const world = new World(
    store,
    dispatcher,
    new IdSource(clock, createRandom(1), true),
    createRandom(1),
    clock,
  );
  world.createBot({ username: 'load-bot' });
  for (let i = 0; i < guilds; i++) world.createGuild({ members: 4, channels: 2 });
  const load = new LoadGenerator(store, dispatcher, createRandom(2), clock);
  return { clock, load };
}

describe('pickKind', () => {
  const mix: [LoadEvent, number][] = [
    ['MESSAGE_CREATE', 3],
    ['TYPING_START', 1],
  ];
  it.each([
    [0, 'MESSAGE_CREATE'],
    [0.74, 'MESSAGE_CREATE'],
    [0.75, 'TYPING_START'],
    [0.999, 'TYPING_START'],
  ])('roll %d → %s', (roll, kind) => {
    expect(pickKind(mix, 4, roll)).toBe(kind);
  });
});

describe('LoadGenerator', () => {
  it('generates eventsPerSecond × seconds events by the mix, then stops', () => {
    const { clock, load } = setUp(20);
    load.start({ eventsPerSecond: 1000, seconds: 2, mix: { MESSAGE_CREATE: 1, TYPING_START: 1 } }, false);
    for (let i = 0; i < 25; i++) {
      clock.advance(100);
      load.tick();
    }
    const status = load.status();
    expect(status.running).toBe(false);
    expect(status.generated).toBe(2000);
    expect(status.elapsedMs).toBe(2000);
    expect(Object.keys(status.byEvent).sort()).toEqual(['MESSAGE_CREATE', 'TYPING_START']);
    expect((status.byEvent.MESSAGE_CREATE ?? 0) + (status.byEvent.TYPING_START ?? 0)).toBe(2000);
    expect(status.byEvent.MESSAGE_CREATE).toBeGreaterThan(800);
  });

  it('keeps fractional rates exact and caps catch-up after a stall', () => {
    const { clock, load } = setUp(3);
    load.start({ eventsPerSecond: 15, seconds: 10 }, false);
    for (let i = 0; i < 30; i++) {
      clock.advance(100);
      load.tick();
    }
    expect(load.status().generated).toBe(45);
    clock.advance(5000); // a stalled event loop: only 250 ms are caught up
    load.tick();
    expect(load.status().generated).toBe(45 + 3);
    load.stop();
    expect(load.status().running).toBe(false);
  });

  it('does not run without guilds', () => {
    const { load } = setUp(0);
    expect(load.start({ eventsPerSecond: 10, seconds: 1 }, false).running).toBe(false);
  });
});
