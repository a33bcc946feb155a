/** Threads over REST: start from a channel or a message, messages in them, join/leave, active list, delete. */
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST threads', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('starts threads with THREAD_CREATE, takes messages, tracks members, lists active threads, deletes with THREAD_DELETE', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: 1 | 2 | 512 | 32768 });
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    const channelId = guild.channels[0].id;
    const rest = h.rest();

    const thread = await rest('POST', `/channels/${channelId}/threads`, { name: 'talk', type: 11 });
    expect(thread.status).toBe(201);
    expect(thread.body).toMatchObject({
      type: 11,
      parent_id: channelId,
      owner_id: h.sim.defaultBot.id,
      member_count: 1,
    });
    expect((await client.dispatch('THREAD_CREATE')).d).toMatchObject({
      id: thread.body.id,
      newly_created: true,
    });
    const inThread = await rest('POST', `/channels/${thread.body.id}/messages`, { content: 'in the thread' });
    expect(inThread.body.channel_id).toBe(thread.body.id);
    expect(
      (await rest('GET', `/guilds/${guild.id}/channels`)).body.map((c: { id: string }) => c.id),
    ).not.toContain(thread.body.id);

    const message = (await h.control('POST', `/channels/${channelId}/messages`, { content: 'start here' }))
      .body;
    const fromMessage = await rest('POST', `/channels/${channelId}/messages/${message.id}/threads`, {
      name: 'replies',
    });
    expect(fromMessage.body.id).toBe(message.id);
    expect(
      (await rest('POST', `/channels/${channelId}/messages/${message.id}/threads`, { name: 'again' })).body
        .code,
    ).toBe(160004);

    expect((await rest('DELETE', `/channels/${thread.body.id}/thread-members/@me`)).status).toBe(204);
    expect((await client.dispatch('THREAD_MEMBERS_UPDATE')).d).toMatchObject({
      id: thread.body.id,
      member_count: 0,
      removed_member_ids: [h.sim.defaultBot.id],
    });
    expect((await rest('PUT', `/channels/${thread.body.id}/thread-members/@me`)).status).toBe(204);
    expect((await rest('GET', `/channels/${thread.body.id}/thread-members`)).body).toHaveLength(1);
    expect((await rest('PUT', `/channels/${channelId}/thread-members/@me`)).body.code).toBe(50024);

    const active = await rest('GET', `/guilds/${guild.id}/threads/active`);
    expect(active.body.threads.map((t: { id: string }) => t.id).sort()).toEqual(
      [thread.body.id, message.id].sort(),
    );
    expect((await rest('DELETE', `/channels/${thread.body.id}`)).status).toBe(200);
    expect((await client.dispatch('THREAD_DELETE')).d).toMatchObject({
      id: thread.body.id,
      parent_id: channelId,
    });

    // A new session sees the remaining thread in GUILD_CREATE's threads.
    const second = await h.login(undefined, { intents: 1, shard: [0, 1] });
    expect(second.dispatches('GUILD_CREATE')[0]!.d.threads.map((t: { id: string }) => t.id)).toEqual([
      message.id,
    ]);
  });

  it('archives, locks and edits a thread through PATCH /channels/:id with THREAD_UPDATE', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const client = await h.login(undefined, { intents: 1 | 512 | 32768 });
    const guild = client.dispatches('GUILD_CREATE')[0]!.d;
    const rest = h.rest();
    const thread = (
      await rest('POST', `/channels/${guild.channels[0].id}/threads`, { name: 'talk', type: 12 })
    ).body;
    const created = thread.thread_metadata.archive_timestamp;
    const updates = () => client.dispatches('THREAD_UPDATE');

    const edited = await rest('PATCH', `/channels/${thread.id}`, {
      name: 'renamed',
      invitable: false,
      auto_archive_duration: 60,
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      name: 'renamed',
      thread_metadata: { archived: false, locked: false, invitable: false, auto_archive_duration: 60 },
    });
    expect((await client.until(() => updates()[0])).d).toMatchObject({ id: thread.id, name: 'renamed' });
    expect(edited.body.thread_metadata.archive_timestamp >= created).toBe(true);

    // Archived and locked: gone from the active list and GUILD_CREATE; no edit, join or message.
    const archived = await rest('PATCH', `/channels/${thread.id}`, { archived: true, locked: true });
    expect(archived.body.thread_metadata).toMatchObject({ archived: true, locked: true });
    expect((await client.until(() => updates()[1])).d.thread_metadata).toMatchObject({
      archived: true,
      locked: true,
    });
    expect((await rest('GET', `/guilds/${guild.id}/threads/active`)).body.threads).toEqual([]);
    expect((await rest('PATCH', `/channels/${thread.id}`, { name: 'nope' })).body.code).toBe(50083);
    expect((await rest('PUT', `/channels/${thread.id}/thread-members/@me`)).body.code).toBe(50083);
    expect((await rest('POST', `/channels/${thread.id}/messages`, { content: 'hi' })).body.code).toBe(50083);
    const later = await h.login(undefined, { intents: 1 });
    expect(later.dispatches('GUILD_CREATE')[0]!.d.threads).toEqual([]);

    // Unlocking needs unarchiving in the same edit. Archived but unlocked, a message unarchives it
    // (THREAD_UPDATE first); unarchiving through PATCH works too.
    await rest('PATCH', `/channels/${thread.id}`, { archived: false, locked: false });
    await rest('PATCH', `/channels/${thread.id}`, { archived: true });
    await client.until(() => updates()[3]);
    expect((await rest('POST', `/channels/${thread.id}/messages`, { content: 'back' })).status).toBe(200);
    expect((await client.until(() => updates()[4])).d.thread_metadata.archived).toBe(false);
    const kinds = client.received.filter((p) => p.t === 'THREAD_UPDATE' || p.t === 'MESSAGE_CREATE');
    expect(kinds.slice(-2).map((p) => p.t)).toEqual(['THREAD_UPDATE', 'MESSAGE_CREATE']);
    await rest('PATCH', `/channels/${thread.id}`, { archived: true });
    expect(
      (await rest('PATCH', `/channels/${thread.id}`, { archived: false })).body.thread_metadata.archived,
    ).toBe(false);
    expect((await rest('GET', `/guilds/${guild.id}/threads/active`)).body.threads).toHaveLength(1);

    // invitable is for private threads only; a text channel still gets CHANNEL_UPDATE.
    const open = (await rest('POST', `/channels/${guild.channels[0].id}/threads`, { name: 'open', type: 11 }))
      .body;
    expect((await rest('PATCH', `/channels/${open.id}`, { invitable: true })).body.code).toBe(50035);
    expect((await rest('PATCH', `/channels/${thread.id}`, { auto_archive_duration: 61 })).body.code).toBe(
      50035,
    );
    await rest('PATCH', `/channels/${guild.channels[0].id}`, { topic: 'plain' });
    expect((await client.dispatch('CHANNEL_UPDATE')).d.topic).toBe('plain');
  });
});
