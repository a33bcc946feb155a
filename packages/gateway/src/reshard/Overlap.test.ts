import { guildIdOf } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../shard/shard.js';
import { Overlap } from './Overlap.js';

const guild = '41771983423143936';
let seq = 0;
const dispatch = (shard: number, t: string, d: unknown): Dispatch => ({
  shard,
  t,
  d,
  guildId: guildIdOf(t, d),
  seq: ++seq,
  sessionId: `s${shard}`,
  receivedAt: 0,
});
const message = (shard: number, id: string) => dispatch(shard, 'MESSAGE_CREATE', { id, guild_id: guild });

describe('Overlap', () => {
  it('drops the new set start, is loaded once every READY guild arrived, releases in order at the switch', () => {
    const overlap = new Overlap({ shards: [0, 1] });
    expect(overlap.loaded).toBe(false);
    expect(overlap.fromNew(dispatch(0, 'READY', { guilds: [{ id: guild }] }))).toBe('drop');
    expect(overlap.fromNew(dispatch(1, 'READY', { guilds: [] }))).toBe('drop');
    expect(overlap.loaded).toBe(false);
    expect(overlap.fromOld(message(7, 'm1'))).toBe(true);
    // The snapshot GUILD_CREATE is dropped; a later one (the guild joined again) is an event.
    expect(overlap.fromNew(dispatch(0, 'GUILD_CREATE', { id: guild, name: 'snapshot' }))).toBe('drop');
    expect(overlap.loaded).toBe(true);
    expect(overlap.fromNew(message(0, 'm1'))).toBe('hold');
    expect(overlap.fromNew(message(0, 'm2'))).toBe('hold');
    expect(overlap.fromNew(message(0, 'm3'))).toBe('hold');
    expect(overlap.fromOld(message(7, 'm2'))).toBe(true);
    expect(overlap.held).toBe(3);
    const released = overlap.switch();
    expect(released.get(0)!.map((d) => (d.d as { id: string }).id)).toEqual(['m3']);
    expect(released.get(1)).toEqual([]);
    // Old receives m3 late: the new set published it already. m4 reaches old first: old publishes.
    expect(overlap.fromOld(message(7, 'm3'))).toBe(false);
    expect(overlap.fromOld(message(7, 'm4'))).toBe(true);
    expect(overlap.fromNew(message(0, 'm4'))).toBe('drop');
    expect(overlap.fromNew(message(0, 'm5'))).toBe('publish');
    expect(overlap.fromOld(message(7, 'm5'))).toBe(false);
  });

  it('a shard holding too many waits for the switch (back-pressure)', async () => {
    const overlap = new Overlap({ shards: [0], maxHeld: 2 });
    overlap.fromNew(dispatch(0, 'READY', { guilds: [] }));
    expect(overlap.fromNew(message(0, 'a'))).toBe('hold');
    const wait = overlap.fromNew(message(0, 'b'));
    expect(wait).toBeInstanceOf(Promise);
    let woke = false;
    void (wait as Promise<void>).then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    expect(overlap.switch().get(0)).toHaveLength(2);
    await wait;
    expect(woke).toBe(true);
  });

  it('gives up on guilds that never arrive', () => {
    const overlap = new Overlap({ shards: [0] });
    overlap.fromNew(dispatch(0, 'READY', { guilds: [{ id: guild }] }));
    expect(overlap.loaded).toBe(false);
    expect(overlap.giveUpWaiting()).toEqual([guild]);
    expect(overlap.loaded).toBe(true);
  });

  it('refuses a shard outside the new set', () => {
    expect(() => new Overlap({ shards: [0] }).fromNew(message(3, 'a'))).toThrow(/not part of the new set/);
  });

  it('knows how far each new session delivered nothing but its start', () => {
    const overlap = new Overlap({ shards: [0, 1] });
    const ready = dispatch(0, 'READY', { guilds: [{ id: guild }] });
    overlap.fromNew(ready);
    expect(overlap.startSeq(0, 's0')).toBe(ready.seq);
    const snapshot = dispatch(0, 'GUILD_CREATE', { id: guild, name: 'snapshot' });
    overlap.fromNew(snapshot);
    expect(overlap.startSeq(0, 's0')).toBe(snapshot.seq);
    // After the first other dispatch the prefix ends, whatever comes later.
    overlap.fromNew(message(0, 'm1'));
    overlap.fromNew(dispatch(0, 'GUILD_CREATE', { id: guild, name: 'joined again' }));
    expect(overlap.startSeq(0, 's0')).toBe(snapshot.seq);
    expect(overlap.startSeq(0, 'another session')).toBeUndefined();
    expect(overlap.startSeq(1, 's1')).toBeUndefined();
  });
});
