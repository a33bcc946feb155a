/** Reactions, pins, typing and bans over REST, with their dispatches. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

// GUILDS, GUILD_MEMBERS, GUILD_MODERATION, GUILD_MESSAGES, REACTIONS, TYPING
const INTENTS = 1 | 2 | 4 | 512 | 1024 | 2048;

describe('REST reactions, pins, typing, bans', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const setUp = async () => {
    // Feature behaviour, not limits: reactions are 1 per 250 ms per channel.
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: INTENTS });
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    const channelId = guild.channels[0].id as string;
    const message = (await h.control('POST', `/channels/${channelId}/messages`, { content: 'react to me' }))
      .body;
    return { client, guild, channelId, messageId: message.id as string, rest: h.rest() };
  };

  it('adds and removes reactions with MESSAGE_REACTION_* and shows them on the message', async () => {
    const { client, channelId, messageId, rest } = await setUp();
    const base = `/channels/${channelId}/messages/${messageId}/reactions`;
    expect((await rest('PUT', `${base}/${encodeURIComponent('👍')}/@me`)).status).toBe(204);
    expect((await rest('PUT', `${base}/${encodeURIComponent('👍')}/@me`)).status).toBe(204); // again: nothing new
    const added = await client.dispatch('MESSAGE_REACTION_ADD');
    expect(added.d).toMatchObject({
      user_id: h.sim.defaultBot.id,
      channel_id: channelId,
      message_id: messageId,
      emoji: { id: null, name: '👍' },
      message_author_id: expect.any(String),
      member: { user: { id: h.sim.defaultBot.id } },
    });
    const message = await rest('GET', `/channels/${channelId}/messages/${messageId}`);
    expect(message.body.reactions).toEqual([
      {
        emoji: { id: null, name: '👍' },
        count: 1,
        count_details: { burst: 0, normal: 1 },
        me: true,
        me_burst: false,
        burst_colors: [],
      },
    ]);
    expect(
      (await rest('GET', `${base}/${encodeURIComponent('👍')}`)).body.map((u: { id: string }) => u.id),
    ).toEqual([h.sim.defaultBot.id]);
    expect((await rest('PUT', `${base}/bad%20emoji/@me`)).body.code).toBe(10014);
    expect((await rest('DELETE', `${base}/${encodeURIComponent('👍')}/@me`)).status).toBe(204);
    expect((await client.dispatch('MESSAGE_REACTION_REMOVE')).d.emoji.name).toBe('👍');
    expect(
      (await rest('GET', `/channels/${channelId}/messages/${messageId}`)).body.reactions,
    ).toBeUndefined();
    await rest('PUT', `${base}/party:123/@me`);
    expect((await rest('DELETE', base)).status).toBe(204);
    await client.dispatch('MESSAGE_REACTION_REMOVE_ALL');
    expect(client.dispatches('MESSAGE_REACTION_ADD')).toHaveLength(2);
  });

  it('pins and unpins with CHANNEL_PINS_UPDATE, and sends TYPING_START', async () => {
    const { client, channelId, messageId, rest } = await setUp();
    expect((await rest('PUT', `/channels/${channelId}/pins/${messageId}`)).status).toBe(204);
    expect((await client.dispatch('CHANNEL_PINS_UPDATE')).d).toMatchObject({
      channel_id: channelId,
      last_pin_timestamp: expect.any(String),
    });
    expect((await rest('GET', `/channels/${channelId}/pins`)).body.map((m: { id: string }) => m.id)).toEqual([
      messageId,
    ]);
    expect((await rest('DELETE', `/channels/${channelId}/pins/${messageId}`)).status).toBe(204);
    await client.until(() => client.dispatches('CHANNEL_PINS_UPDATE').length === 2);
    expect((await rest('GET', `/channels/${channelId}/pins`)).body).toEqual([]);
    expect((await rest('POST', `/channels/${channelId}/typing`)).status).toBe(204);
    expect((await client.dispatch('TYPING_START')).d).toMatchObject({
      channel_id: channelId,
      user_id: h.sim.defaultBot.id,
    });
  });

  it('bans a member (GUILD_MEMBER_REMOVE, GUILD_BAN_ADD), lists and unbans (GUILD_BAN_REMOVE)', async () => {
    const { client, guild, rest } = await setUp();
    const members = (await h.control('GET', `/guilds/${guild.id}`)).body.members as {
      user: { id: string; bot?: boolean };
    }[];
    const human = members.find((m) => !m.user.bot)!.user.id;
    const ban = await fetch(`${h.sim.restUrl}/guilds/${guild.id}/bans/${human}`, {
      method: 'PUT',
      headers: {
        authorization: `Bot ${h.sim.defaultBot.token}`,
        'content-type': 'application/json',
        'x-audit-log-reason': 'spam',
      },
      body: JSON.stringify({ delete_message_seconds: 0 }),
    });
    expect(ban.status).toBe(204);
    expect((await client.dispatch('GUILD_MEMBER_REMOVE')).d.user.id).toBe(human);
    expect((await client.dispatch('GUILD_BAN_ADD')).d).toMatchObject({
      guild_id: guild.id,
      user: { id: human },
    });
    expect((await rest('GET', `/guilds/${guild.id}/bans`)).body).toEqual([
      { reason: 'spam', user: expect.objectContaining({ id: human }) },
    ]);
    expect((await rest('GET', `/guilds/${guild.id}/members/${human}`)).status).toBe(404);
    expect((await rest('DELETE', `/guilds/${guild.id}/bans/${human}`)).status).toBe(204);
    expect((await client.dispatch('GUILD_BAN_REMOVE')).d.user.id).toBe(human);
    expect((await rest('GET', `/guilds/${guild.id}/bans/${human}`)).body.code).toBe(10026);
    expect((await rest('DELETE', `/guilds/${guild.id}/bans/${human}`)).status).toBe(404);
  });
});
