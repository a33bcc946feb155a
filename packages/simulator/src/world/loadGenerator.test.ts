import { ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../gateway/dispatcher.js';
import { JsonText } from '../gateway/session.js';
import { SessionRegistry } from '../gateway/sessionRegistry.js';
import { memberJson } from '../state/factories.js';
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
  return { clock, load, store, world, dispatcher };
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

  it('draws from the world as it is after members, channels and guilds change during a load', () => {
    const { clock, load, store, world, dispatcher } = setUp(2);
    const [kept, gone] = [...store.guilds.values()];
    const sent: { guildId: string; d: Record<string, unknown> }[] = [];
    const toGuild = dispatcher.toGuild.bind(dispatcher);
    dispatcher.toGuild = (guildId, t, data, delivered) => {
      if (data instanceof JsonText) sent.push({ guildId, d: JSON.parse(data.json) });
      toGuild(guildId, t, data, delivered);
    };
    /** The ids a burst's events were about in `kept`, after checking each member text is the record's. */
    let dispatched = 0;
    const burst = () => {
      dispatched += sent.length;
      sent.length = 0;
      clock.advance(100);
      load.tick();
      const users = new Set<string>();
      const channels = new Set<string>();
      for (const { guildId, d } of sent) {
        expect(guildId).toBe(kept!.guild.id);
        const id = (d.author as { id: string }).id;
        expect(d.member).toEqual(memberJson(kept!.members.get(id)!));
        users.add(id);
        channels.add(d.channel_id as string);
      }
      return { users, channels };
    };
    load.start({ eventsPerSecond: 2000, seconds: 10, mix: { MESSAGE_CREATE: 1 } }, false);
    world.deleteGuild(gone!);
    const humans = [...kept!.members.keys()].filter((id) => !kept!.botIds.has(id));
    expect(burst().users).toEqual(new Set(humans));
    // Removed members and channels are no longer drawn, added ones are, edited ones are sent edited.
    world.removeMember(kept!, humans[0]!);
    const added = world.addMember(kept!, 'late-joiner');
    const [firstChannel, secondChannel] = [...kept!.channelIds];
    world.deleteChannel(store.channels.get(firstChannel!)!);
    world.updateMember(kept!, humans[1]!, { nick: 'renamed', roles: [...kept!.roles.keys()].slice(1, 2) });
    const after = burst();
    expect(after.users).toEqual(new Set([...humans.slice(1), added.id]));
    expect(after.channels).toEqual(new Set([secondChannel]));
    expect(sent.some(({ d }) => (d.member as { nick?: string }).nick === 'renamed')).toBe(true);
    // Draws of the deleted guild (half of them) make no event and are not counted.
    expect(load.status().generated).toBe(dispatched + sent.length);
    expect(load.status().generated).toBeLessThan(400);
  });

  it('does not run without guilds', () => {
    const { load } = setUp(0);
    expect(load.start({ eventsPerSecond: 10, seconds: 1 }, false).running).toBe(false);
  });
});
