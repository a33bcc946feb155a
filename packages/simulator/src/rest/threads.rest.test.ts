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
});
