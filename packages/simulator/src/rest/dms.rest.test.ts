/** DM channels: opened with POST /users/@me/channels, messages both ways dispatched on shard 0 without guild_id. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST DMs', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('opens one DM per user, sends and receives messages there (DIRECT_MESSAGES)', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: 1 | (1 << 12) });
    const members = (await h.control('GET', '/guilds')).body[0].members as {
      user: { id: string; bot?: boolean };
    }[];
    const userId = members.find((m) => !m.user.bot)!.user.id;
    const rest = h.rest();
    const dm = await rest('POST', '/users/@me/channels', { recipient_id: userId });
    expect(dm.status).toBe(200);
    expect(dm.body).toMatchObject({ type: 1, recipients: [{ id: userId }] });
    expect(dm.body.dmBotId).toBeUndefined();
    expect((await rest('POST', '/users/@me/channels', { recipient_id: userId })).body.id).toBe(dm.body.id);
    expect((await rest('POST', '/users/@me/channels', { recipient_id: h.sim.defaultBot.id })).body.code).toBe(
      50007,
    );
    expect((await rest('GET', `/channels/${dm.body.id}`)).body.type).toBe(1);

    const sent = await rest('POST', `/channels/${dm.body.id}/messages`, { content: 'hello in private' });
    expect(sent.status).toBe(200);
    const event = await client.dispatch('MESSAGE_CREATE', (d) => d.content === 'hello in private');
    expect(event.d.guild_id).toBeUndefined();
    expect(event.d.channel_id).toBe(dm.body.id);
    const reply = await h.control('POST', `/channels/${dm.body.id}/messages`, { content: 'hi bot' });
    expect(reply.body.author.id).toBe(userId);
    expect((await client.dispatch('MESSAGE_CREATE', (d) => d.content === 'hi bot')).d.author.id).toBe(userId);

    // Another bot cannot use this DM.
    const other = (await h.control('POST', '/bots', { username: 'other' })).body;
    expect((await h.rest(other.token)('GET', `/channels/${dm.body.id}`)).body.code).toBe(50001);
  });
});
