/** Message routes end to end: create (JSON, multipart), list paging, edit, delete, bulk delete, and their dispatches. */
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST messages', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  // Message behaviour, not rate limits (those are in rateLimit/*.test.ts): many requests to one channel.
  const setUp = async (options = {}) => {
    h = await startHarness({ guilds: 1, rateLimits: false, ...options });
    const client = await h.login();
    const channelId = client.dispatches('GUILD_CREATE')[0]!.d.channels[0].id as string;
    return { client, channelId, rest: h.rest() };
  };

  it('creates a message with multipart attachments and serves the file', async () => {
    const { client, channelId } = await setUp();
    const form = new FormData();
    form.append(
      'payload_json',
      JSON.stringify({
        content: 'with files',
        attachments: [
          { id: 0, description: 'a note' },
          { id: 1, filename: 'renamed.bin' },
        ],
      }),
    );
    form.append('files[0]', new Blob(['hello file'], { type: 'text/plain' }), 'note.txt');
    form.append(
      'files[1]',
      new Blob([new Uint8Array([1, 2, 3])], { type: 'application/octet-stream' }),
      'raw.bin',
    );
    const response = await fetch(`${h.sim.restUrl}/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${h.sim.defaultBot.token}` },
      body: form,
    });
    expect(response.status).toBe(200);
    const message = (await response.json()) as {
      content: string;
      attachments: { url: string }[];
    };
    expect(message.content).toBe('with files');
    expect(message.attachments).toEqual([
      expect.objectContaining({
        filename: 'note.txt',
        size: 10,
        content_type: 'text/plain',
        description: 'a note',
      }),
      expect.objectContaining({ filename: 'renamed.bin', size: 3 }),
    ]);
    const file = await fetch(message.attachments[0]!.url);
    expect(await file.text()).toBe('hello file');
    const event = await client.dispatch('MESSAGE_CREATE');
    expect(event.d.attachments).toHaveLength(2);
    // Discord writes a guild message's guild_id last; gateways (ours) look for it there first
    expect(Object.keys(event.d).at(-1)).toBe('guild_id');
    expect(event.d.member).toBeDefined();
  });

  it('a multipart body with broken payload_json → 50109', async () => {
    const { channelId } = await setUp();
    const form = new FormData();
    form.append('payload_json', '{nope');
    const response = await fetch(`${h.sim.restUrl}/channels/${channelId}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${h.sim.defaultBot.token}` },
      body: form,
    });
    expect(await response.json()).toEqual({
      code: 50109,
      message: 'The request body contains invalid JSON.',
    });
  });

  it('lists with before, after, around and limit, newest first', async () => {
    const { channelId, rest } = await setUp();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++)
      ids.push((await rest('POST', `/channels/${channelId}/messages`, { content: `m${i}` })).body.id);
    const list = async (query: string) =>
      (await rest('GET', `/channels/${channelId}/messages${query}`)).body.map(
        (m: { content: string }) => m.content,
      );
    expect(await list('')).toEqual(['m5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(await list('?limit=2')).toEqual(['m5', 'm4']);
    expect(await list(`?before=${ids[3]}&limit=2`)).toEqual(['m2', 'm1']);
    expect(await list(`?after=${ids[1]}&limit=2`)).toEqual(['m3', 'm2']);
    expect(await list(`?around=${ids[2]}&limit=3`)).toEqual(['m3', 'm2', 'm1']);
    expect((await rest('GET', `/channels/${channelId}/messages?before=abc`)).body.code).toBe(50035);
  });

  it('edits and deletes with MESSAGE_UPDATE and MESSAGE_DELETE, replies with a reference', async () => {
    const { client, channelId, rest } = await setUp();
    const original = (await rest('POST', `/channels/${channelId}/messages`, { content: 'first' })).body;
    const edited = await rest('PATCH', `/channels/${channelId}/messages/${original.id}`, {
      content: 'second',
    });
    expect(edited.body).toMatchObject({ content: 'second', edited_timestamp: expect.any(String) });
    expect((await client.dispatch('MESSAGE_UPDATE')).d).toMatchObject({ id: original.id, content: 'second' });
    const reply = await rest('POST', `/channels/${channelId}/messages`, {
      content: 'reply',
      message_reference: { message_id: original.id },
    });
    expect(reply.body).toMatchObject({ type: 19, message_reference: { message_id: original.id } });
    const missing = await rest('POST', `/channels/${channelId}/messages`, {
      content: 'reply',
      message_reference: { message_id: '1234567890123456789' },
    });
    expect(missing.body.code).toBe(50035);
    expect((await rest('DELETE', `/channels/${channelId}/messages/${original.id}`)).status).toBe(204);
    expect((await client.dispatch('MESSAGE_DELETE')).d).toEqual({
      id: original.id,
      channel_id: channelId,
      guild_id: client.dispatches('GUILD_CREATE')[0]!.d.id,
    });
    expect((await rest('GET', `/channels/${channelId}/messages/${original.id}`)).body.code).toBe(10008);
  });

  it('bulk deletes 2-100 recent messages with MESSAGE_DELETE_BULK', async () => {
    const clock = new ManualClock(Date.now());
    const { client, channelId, rest } = await setUp({ clock });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await rest('POST', `/channels/${channelId}/messages`, { content: `b${i}` })).body.id);
    expect(
      (await rest('POST', `/channels/${channelId}/messages/bulk-delete`, { messages: [ids[0]] })).body.code,
    ).toBe(50035);
    expect(
      (await rest('POST', `/channels/${channelId}/messages/bulk-delete`, { messages: [ids[0], ids[0]] })).body
        .code,
    ).toBe(50035);
    expect(
      (await rest('POST', `/channels/${channelId}/messages/bulk-delete`, { messages: ids.slice(0, 2) }))
        .status,
    ).toBe(204);
    expect((await client.dispatch('MESSAGE_DELETE_BULK')).d.ids).toEqual(ids.slice(0, 2));
    const left = (await h.control('GET', `/channels/${channelId}/messages`)).body;
    expect(left.map((m: { content: string }) => m.content)).toEqual(['b2']);
    clock.advance(15 * 24 * 60 * 60 * 1000);
    const fresh = (await rest('POST', `/channels/${channelId}/messages`, { content: 'new' })).body.id;
    const tooOld = await rest('POST', `/channels/${channelId}/messages/bulk-delete`, {
      messages: [ids[2], fresh],
    });
    expect(tooOld.body.code).toBe(50034);
  });
});

describe('REST and the MESSAGE_CONTENT setting', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('blanks content over HTTP for an app without MESSAGE_CONTENT, except its own and mentions', async () => {
    h = await startHarness();
    const bot = (await h.control('POST', '/bots', { username: 'quiet', privilegedIntents: [] })).body;
    const guild = (await h.control('POST', '/guilds', { name: 'quiet guild', bots: [bot.id] })).body;
    const channelId = guild.channels[0].id;
    await h.control('POST', `/channels/${channelId}/messages`, { content: 'hidden' });
    await h.control('POST', `/channels/${channelId}/messages`, { content: `hi <@${bot.id}>` });
    await h.rest(bot.token)('POST', `/channels/${channelId}/messages`, { content: 'mine' });
    const list = (await h.rest(bot.token)('GET', `/channels/${channelId}/messages`)).body;
    expect(list.map((m: { content: string }) => m.content)).toEqual(['mine', `hi <@${bot.id}>`, '']);
    // The control API shows everything.
    const all = (await h.control('GET', `/channels/${channelId}/messages`)).body;
    expect(all.map((m: { content: string }) => m.content)).toEqual(['hidden', `hi <@${bot.id}>`, 'mine']);
    // Listing members needs GUILD_MEMBERS enabled.
    expect((await h.rest(bot.token)('GET', `/guilds/${guild.id}/members`)).body.code).toBe(50001);
  });
});
