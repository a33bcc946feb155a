/** The /_sim control API contract. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('/_sim control API', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('lists bots with the default first and creates more', async () => {
    h = await startHarness();
    const created = await h.control('POST', '/bots', { username: 'second' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['applicationId', 'id', 'token', 'username']);
    const { body } = await h.control('GET', '/bots');
    expect(body.map((b: { id: string }) => b.id)).toEqual([h.sim.defaultBot.id, created.body.id]);
    expect(body[0]).toEqual(h.sim.defaultBot);
    const bad = await h.control('POST', '/bots', { privilegedIntents: ['EVERYTHING'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(50035);
  });

  it('creates guilds in Discord shape with channels and roles, and pages through them', async () => {
    h = await startHarness({ guilds: 3, seed: 9 });
    const created = await h.control('POST', '/guilds', { name: 'made', channels: 4, roles: 2, members: 7 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'made', member_count: 8, bots: [h.sim.defaultBot.id] });
    expect(created.body.channels).toHaveLength(4);
    expect(created.body.channels.every((c: { type: number }) => c.type === 0)).toBe(true);
    // @everyone (id = guild id), the two roles, the bot's managed role.
    expect(created.body.roles.map((r: { name: string }) => r.name)).toEqual([
      '@everyone',
      'Moderator',
      'Member',
      'shardwire-bot',
    ]);
    expect(created.body.roles[0].id).toBe(created.body.id);
    const first = (await h.control('GET', '/guilds?limit=2')).body;
    const rest = (await h.control('GET', `/guilds?limit=10&after=${first[1].id}`)).body;
    expect(first).toHaveLength(2);
    expect(rest).toHaveLength(2);
    const all = [...first, ...rest].map((g: { id: string }) => BigInt(g.id));
    expect(all).toEqual([...all].sort((a, b) => (a < b ? -1 : 1)));
    expect((await h.control('POST', '/guilds', { bots: ['42'] })).body.code).toBe(50035);
  });

  it('is deterministic with a seed', async () => {
    h = await startHarness({ guilds: 2, seed: 5 });
    const first = {
      bots: (await h.control('GET', '/bots')).body,
      guilds: (await h.control('GET', '/guilds')).body,
    };
    await h.close();
    h = await startHarness({ guilds: 2, seed: 5 });
    const second = {
      bots: (await h.control('GET', '/bots')).body,
      guilds: (await h.control('GET', '/guilds')).body,
    };
    expect(second.bots).toEqual(first.bots);
    expect(second.guilds.map((g: { id: string; name: string }) => [g.id, g.name])).toEqual(
      first.guilds.map((g: { id: string; name: string }) => [g.id, g.name]),
    );
  });

  it('posts as a member (the first non-bot one by default) and lists every message oldest first', async () => {
    h = await startHarness({ guilds: 1 });
    const guild = (await h.control('GET', '/guilds')).body[0];
    const channelId = guild.channels[0].id;
    const humans = guild.members.filter((m: { user: { bot?: boolean } }) => !m.user.bot);
    const first = await h.control('POST', `/channels/${channelId}/messages`, { content: 'a' });
    expect(first.status).toBe(201);
    expect(first.body.author.id).toBe(humans[0].user.id);
    const second = await h.control('POST', `/channels/${channelId}/messages`, {
      content: 'b',
      author_id: humans[1].user.id,
    });
    expect(second.body.author.id).toBe(humans[1].user.id);
    await h.rest()('POST', `/channels/${channelId}/messages`, { content: 'c' });
    const all = (await h.control('GET', `/channels/${channelId}/messages`)).body;
    expect(all.map((m: { content: string }) => m.content)).toEqual(['a', 'b', 'c']);
    expect(all[2].author).toMatchObject({ id: h.sim.defaultBot.id, bot: true });
    const stranger = await h.control('POST', `/channels/${channelId}/messages`, {
      content: 'x',
      author_id: '1',
    });
    expect(stranger.body.code).toBe(50035);
    expect((await h.control('POST', '/channels/1/messages', { content: 'x' })).body.code).toBe(10003);
    expect((await h.control('POST', `/channels/${channelId}/messages`, {})).body.code).toBe(50035);
  });

  it('adds and removes bots from guilds with GUILD_CREATE and GUILD_DELETE', async () => {
    h = await startHarness({ guilds: 1 });
    const second = (await h.control('POST', '/bots', { username: 'second' })).body;
    const client = await h.login(second.token);
    const guildId = (await h.control('GET', '/guilds')).body[0].id;
    expect((await h.control('PUT', `/guilds/${guildId}/bots/${second.id}`)).status).toBe(204);
    expect((await client.dispatch('GUILD_CREATE')).d.id).toBe(guildId);
    expect((await h.control('DELETE', `/guilds/${guildId}/bots/${second.id}`)).status).toBe(204);
    expect((await client.dispatch('GUILD_DELETE')).d).toEqual({ id: guildId });
  });

  it('reports stats once ready', async () => {
    h = await startHarness({ guilds: 1 });
    await h.login();
    const { status, body } = await h.control('GET', '/stats');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ready: true, identifies: 1, resumes: 0, guilds: 1 });
    expect(body.shards[0]).toMatchObject({ shard: [0, 1], state: 'connected', seq: 2, dispatched: 2 });
  });
});
