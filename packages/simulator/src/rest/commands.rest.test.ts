/** Application commands (global and guild, upsert, bulk overwrite), permission overwrites, role positions. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST commands, overwrites, role positions', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('creates, upserts by name, edits, lists, overwrites in bulk and deletes commands, global and per guild', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const rest = h.rest();
    const app = h.sim.defaultBot.applicationId;
    const guildId = (await h.control('GET', '/guilds')).body[0].id;
    const global = `/applications/${app}/commands`;
    const created = await rest('POST', global, { name: 'ping', description: 'Replies pong' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      application_id: app,
      type: 1,
      name: 'ping',
      description: 'Replies pong',
    });
    const again = await rest('POST', global, { name: 'ping', description: 'Still pong' });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect(
      (await rest('PATCH', `${global}/${created.body.id}`, { description: 'edited' })).body.description,
    ).toBe('edited');
    expect((await rest('POST', global, { name: 'Bad Name', description: 'x' })).body.code).toBe(50035);
    expect((await rest('POST', global, { name: 'nodesc' })).body.code).toBe(50035);
    expect((await rest('POST', global, { name: 'User Info', type: 2 })).status).toBe(201);

    const overwritten = await rest('PUT', global, [
      { name: 'ping', description: 'kept id' },
      { name: 'echo', description: 'new' },
    ]);
    expect(overwritten.body.map((c: { name: string }) => c.name)).toEqual(['ping', 'echo']);
    expect(overwritten.body[0].id).toBe(created.body.id);
    expect((await rest('GET', global)).body).toHaveLength(2);
    expect(
      (
        await rest('PUT', global, [
          { name: 'a', description: 'x' },
          { name: 'a', description: 'y' },
        ])
      ).status,
    ).toBe(400);

    const guildScope = `/applications/${app}/guilds/${guildId}/commands`;
    const local = await rest('POST', guildScope, { name: 'local', description: 'guild only' });
    expect(local.body.guild_id).toBe(guildId);
    expect((await rest('GET', guildScope)).body.map((c: { name: string }) => c.name)).toEqual(['local']);
    expect((await rest('DELETE', `${guildScope}/${local.body.id}`)).status).toBe(204);
    expect((await rest('GET', `${guildScope}/${local.body.id}`)).body.code).toBe(10063);
    expect((await rest('GET', `/applications/1/commands`)).status).toBe(403);
  });

  it('sets and removes permission overwrites (CHANNEL_UPDATE) and moves roles (GUILD_ROLE_UPDATE)', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: 1 });
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    const channelId = guild.channels[0].id;
    const rest = h.rest();
    expect(
      (
        await rest('PUT', `/channels/${channelId}/permissions/${guild.id}`, {
          type: 0,
          allow: '0',
          deny: '2048',
        })
      ).status,
    ).toBe(204);
    const update = await client.dispatch('CHANNEL_UPDATE');
    expect(update.d.permission_overwrites).toEqual([{ id: guild.id, type: 0, allow: '0', deny: '2048' }]);
    expect((await rest('PUT', `/channels/${channelId}/permissions/${guild.id}`, { type: 2 })).status).toBe(
      400,
    );
    expect((await rest('DELETE', `/channels/${channelId}/permissions/${guild.id}`)).status).toBe(204);
    await client.until(() => client.dispatches('CHANNEL_UPDATE').length === 2);
    expect((await rest('GET', `/channels/${channelId}`)).body.permission_overwrites).toEqual([]);

    const role = (await rest('POST', `/guilds/${guild.id}/roles`, { name: 'mover' })).body;
    const moved = await rest('PATCH', `/guilds/${guild.id}/roles`, [{ id: role.id, position: 1 }]);
    expect(moved.status).toBe(200);
    expect(moved.body.find((r: { id: string }) => r.id === role.id).position).toBe(1);
    expect((await client.dispatch('GUILD_ROLE_UPDATE', (d) => d.role.id === role.id)).d.role.position).toBe(
      1,
    );
    expect((await rest('PATCH', `/guilds/${guild.id}/roles`, [{ id: '1', position: 1 }])).body.code).toBe(
      10011,
    );
  });
});

describe('REST emojis', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('creates, edits and deletes emojis with GUILD_EMOJIS_UPDATE; uploads hit the shared per-guild limit', async () => {
    // limitScale keeps counts: 25 uploads per (scaled) hour per guild, shared by every caller.
    h = await startHarness({ guilds: 1, limitScale: 0.001 });
    const client = await h.login(undefined, { intents: 1 | 8 });
    const guildId = client.dispatches('GUILD_CREATE')[0]!.d.id;
    const rest = h.rest();
    const image = `data:image/png;base64,${Buffer.from('png').toString('base64')}`;
    const emoji = await rest('POST', `/guilds/${guildId}/emojis`, { name: 'party', image });
    expect(emoji.status).toBe(201);
    expect(emoji.body).toMatchObject({ name: 'party', animated: false, user: { id: h.sim.defaultBot.id } });
    expect((await client.dispatch('GUILD_EMOJIS_UPDATE')).d.emojis.map((e: { id: string }) => e.id)).toEqual([
      emoji.body.id,
    ]);
    expect(
      (await rest('PATCH', `/guilds/${guildId}/emojis/${emoji.body.id}`, { name: 'fiesta' })).body.name,
    ).toBe('fiesta');
    expect((await rest('POST', `/guilds/${guildId}/emojis`, { name: 'x', image })).status).toBe(400);
    expect((await rest('DELETE', `/guilds/${guildId}/emojis/${emoji.body.id}`)).status).toBe(204);
    expect((await rest('GET', `/guilds/${guildId}/emojis/${emoji.body.id}`)).body.code).toBe(10014);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await rest('POST', `/guilds/${guildId}/emojis`, { name: `e${i}x`, image })).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const stats = (await h.control('GET', '/stats')).body.rateLimits;
    expect(stats.byScope.shared).toBe(statuses.filter((s) => s === 429).length);
    expect(stats.invalidRequests).toEqual({}); // shared 429s are not invalid requests
  });
});
