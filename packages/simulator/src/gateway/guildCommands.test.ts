/** Op 3 presence, op 4 voice state and op 8 member requests (with their 30 s limit) over a real connection. */
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

const INTENTS = 1 | 2 | 128 | 256 | 512; // GUILDS, GUILD_MEMBERS, GUILD_VOICE_STATES, GUILD_PRESENCES, GUILD_MESSAGES

describe('gateway guild commands', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const twoBots = async (options = {}) => {
    h = await startHarness({ guilds: 0, ...options });
    const other = (await h.control('POST', '/bots', { username: 'other' })).body;
    const guild = (await h.control('POST', '/guilds', { bots: [h.sim.defaultBot.id, other.id], members: 3 }))
      .body;
    const a = await h.login(h.sim.defaultBot.token, { intents: INTENTS });
    const b = await h.login(other.token, { intents: INTENTS });
    return { a, b, guild, other };
  };

  it('op 3 sends PRESENCE_UPDATE to the other bots of the guilds on the shard, not to the sender', async () => {
    const { a, b, guild } = await twoBots();
    a.send({
      op: 3,
      d: { since: null, activities: [{ name: 'tests', type: 0 }], status: 'dnd', afk: false },
    });
    const update = await b.dispatch('PRESENCE_UPDATE');
    expect(update.d).toEqual({
      user: { id: h.sim.defaultBot.id },
      guild_id: guild.id,
      status: 'dnd',
      activities: [{ name: 'tests', type: 0 }],
      client_status: { web: 'dnd' },
    });
    a.send({ op: 3, d: { since: null, activities: [], status: 'invisible', afk: false } });
    await b.until(() => b.dispatches('PRESENCE_UPDATE').length === 2);
    expect(b.dispatches('PRESENCE_UPDATE')[1]!.d.status).toBe('offline');
    expect(a.dispatches('PRESENCE_UPDATE')).toHaveLength(0);
    a.send({ op: 3, d: { since: null, activities: [], status: 'busy', afk: false } });
    expect(await a.closed()).toBe(4001);
  });

  it('op 4 joins a voice channel: VOICE_STATE_UPDATE to the guild, VOICE_SERVER_UPDATE to the session', async () => {
    const { a, b, guild } = await twoBots();
    const voice = await h.rest()('POST', `/guilds/${guild.id}/channels`, { name: 'voice', type: 2 });
    expect(voice.status).toBe(201);
    a.send({
      op: 4,
      d: { guild_id: guild.id, channel_id: voice.body.id, self_mute: true, self_deaf: false },
    });
    const own = await a.dispatch('VOICE_STATE_UPDATE');
    expect(own.d).toMatchObject({
      guild_id: guild.id,
      channel_id: voice.body.id,
      user_id: h.sim.defaultBot.id,
      self_mute: true,
      self_deaf: false,
    });
    expect(own.d.session_id).toBe(a.dispatches('READY')[0]!.d.session_id);
    expect((await a.dispatch('VOICE_SERVER_UPDATE')).d).toMatchObject({
      guild_id: guild.id,
      token: expect.any(String),
    });
    expect((await b.dispatch('VOICE_STATE_UPDATE')).d.channel_id).toBe(voice.body.id);
    // A text channel is ignored; leaving sends channel_id null.
    a.send({
      op: 4,
      d: { guild_id: guild.id, channel_id: guild.channels[0].id, self_mute: false, self_deaf: false },
    });
    a.send({ op: 4, d: { guild_id: guild.id, channel_id: null, self_mute: false, self_deaf: false } });
    await b.until(() => b.dispatches('VOICE_STATE_UPDATE').length === 2);
    expect(b.dispatches('VOICE_STATE_UPDATE')[1]!.d.channel_id).toBeNull();
  });

  it('op 8 for every member: once per guild per 30 s, then RATE_LIMITED; queries are not limited', async () => {
    const clock = new ManualClock(Date.now());
    const { a, guild } = await twoBots({ clock });
    const request = (d: Record<string, unknown>) =>
      a.send({ op: 8, d: { guild_id: guild.id, limit: 0, ...d } });
    request({ query: '', nonce: 'one' });
    const chunk = await a.dispatch('GUILD_MEMBERS_CHUNK', (d) => d.nonce === 'one');
    expect(chunk.d).toMatchObject({ chunk_index: 0, chunk_count: 1 });
    expect(chunk.d.members).toHaveLength(guild.members.length);
    request({ query: '', nonce: 'two' });
    const limited = await a.dispatch('RATE_LIMITED');
    expect(limited.d).toEqual({ opcode: 8, retry_after: 30, meta: { guild_id: guild.id, nonce: 'two' } });
    request({ query: 'o', nonce: 'three' });
    await a.dispatch('GUILD_MEMBERS_CHUNK', (d) => d.nonce === 'three');
    request({ user_ids: [h.sim.defaultBot.id, '1'], nonce: 'four' });
    const byId = await a.dispatch('GUILD_MEMBERS_CHUNK', (d) => d.nonce === 'four');
    expect(byId.d.not_found).toEqual(['1']);
    clock.advance(30_000);
    request({ query: '', nonce: 'five', presences: true });
    const again = await a.dispatch('GUILD_MEMBERS_CHUNK', (d) => d.nonce === 'five');
    expect(again.d.presences).toEqual([]);
  });
});
