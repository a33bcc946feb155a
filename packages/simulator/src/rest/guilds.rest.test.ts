/** Guild, channel, role and member routes, and the dispatches they cause. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestGatewayClient } from '../testing/gatewayClient.js';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST guilds, channels, roles, members', () => {
  let h: Harness;
  let client: TestGatewayClient;
  let guildId: string;
  beforeEach(async () => {
    h = await startHarness({ guilds: 1 });
    client = await h.login(undefined, { intents: 1 | 2 | 512 });
    guildId = client.dispatches('GUILD_CREATE')[0]!.d.id;
  });
  afterEach(async () => {
    await h.close();
  });

  it('reads and modifies the guild (GUILD_UPDATE)', async () => {
    const rest = h.rest();
    const guild = (await rest('GET', `/guilds/${guildId}?with_counts=true`)).body;
    expect(guild).toMatchObject({
      id: guildId,
      approximate_member_count: expect.any(Number),
      roles: expect.any(Array),
    });
    await rest('PATCH', `/guilds/${guildId}`, { name: 'renamed' });
    expect((await client.dispatch('GUILD_UPDATE')).d.name).toBe('renamed');
    const mine = (await rest('GET', '/users/@me/guilds')).body;
    expect(mine).toEqual([expect.objectContaining({ id: guildId, name: 'renamed' })]);
  });

  it('creates, modifies and deletes channels (CHANNEL_*)', async () => {
    const rest = h.rest();
    const created = await rest('POST', `/guilds/${guildId}/channels`, { name: 'new-one', topic: 't' });
    expect(created.status).toBe(201);
    expect((await client.dispatch('CHANNEL_CREATE')).d).toMatchObject({
      id: created.body.id,
      name: 'new-one',
      topic: 't',
    });
    await rest('PATCH', `/channels/${created.body.id}`, { name: 'renamed' });
    expect((await client.dispatch('CHANNEL_UPDATE')).d.name).toBe('renamed');
    expect(
      (await rest('GET', `/guilds/${guildId}/channels`)).body.map((c: { id: string }) => c.id),
    ).toContain(created.body.id);
    await rest('DELETE', `/channels/${created.body.id}`);
    expect((await client.dispatch('CHANNEL_DELETE')).d.id).toBe(created.body.id);
    expect((await rest('GET', `/channels/${created.body.id}`)).body.code).toBe(10003);
    expect((await rest('POST', `/guilds/${guildId}/channels`, {})).body.errors.name._errors[0].code).toBe(
      'BASE_TYPE_REQUIRED',
    );
  });

  it('creates, modifies and deletes roles (GUILD_ROLE_*), and assigns them', async () => {
    const rest = h.rest();
    const role = (await rest('POST', `/guilds/${guildId}/roles`, { name: 'fresh', color: 255 })).body;
    expect((await client.dispatch('GUILD_ROLE_CREATE')).d).toEqual({ guild_id: guildId, role });
    await rest('PATCH', `/guilds/${guildId}/roles/${role.id}`, { name: 'stale' });
    expect((await client.dispatch('GUILD_ROLE_UPDATE')).d.role.name).toBe('stale');
    const member = (await rest('GET', `/guilds/${guildId}/members?limit=1000`)).body.find(
      (m: { user: { bot?: boolean } }) => !m.user.bot,
    );
    expect((await rest('PUT', `/guilds/${guildId}/members/${member.user.id}/roles/${role.id}`)).status).toBe(
      204,
    );
    expect((await client.dispatch('GUILD_MEMBER_UPDATE')).d.roles).toContain(role.id);
    expect((await rest('GET', `/guilds/${guildId}/members/${member.user.id}`)).body.roles).toContain(role.id);
    await rest('DELETE', `/guilds/${guildId}/roles/${role.id}`);
    expect((await client.dispatch('GUILD_ROLE_DELETE')).d).toEqual({ guild_id: guildId, role_id: role.id });
    expect((await rest('GET', `/guilds/${guildId}/members/${member.user.id}`)).body.roles).not.toContain(
      role.id,
    );
    expect((await rest('PATCH', `/guilds/${guildId}/roles/${role.id}`, { name: 'x' })).body.code).toBe(10011);
  });

  it('lists members in id order with limit and after', async () => {
    const rest = h.rest();
    const all = (await rest('GET', `/guilds/${guildId}/members?limit=1000`)).body.map(
      (m: { user: { id: string } }) => m.user.id,
    );
    expect(all.length).toBeGreaterThan(2);
    expect((await rest('GET', `/guilds/${guildId}/members`)).body).toHaveLength(1);
    const page = (await rest('GET', `/guilds/${guildId}/members?limit=2&after=${all[0]}`)).body;
    expect(page.map((m: { user: { id: string } }) => m.user.id)).toEqual(all.slice(1, 3));
    expect((await rest('GET', `/guilds/${guildId}/members/1234567890123456789`)).body.code).toBe(10007);
  });

  it('leaving a guild sends GUILD_DELETE and hides the guild', async () => {
    const rest = h.rest();
    expect((await rest('DELETE', `/users/@me/guilds/${guildId}`)).status).toBe(204);
    expect((await client.dispatch('GUILD_DELETE')).d).toEqual({ id: guildId });
    expect((await rest('GET', `/guilds/${guildId}`)).body.code).toBe(10004);
  });
});
