/** What reaches which session: shards, intents, MESSAGE_CONTENT, runtime guilds, zlib-stream and zstd-stream framing.
 * Sessions log in back to back, so the session start limit is off here (tested in sessionStart.test.ts). */

import { constants, inflateSync } from 'node:zlib';
import { recordingLogger, shardIdOf } from '@shardwire/core';
import { Decompress } from 'fzstd';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Harness, startHarness } from '../testing/harness.js';

const GUILDS = 1;
const GUILD_MEMBERS = 2;
const GUILD_PRESENCES = 256;
const GUILD_MESSAGES = 512;
const MESSAGE_CONTENT = 32768;

describe('gateway dispatch', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('puts each guild on shard (id >> 22) % count, in READY and as GUILD_CREATE', async () => {
    h = await startHarness({ rateLimits: false, guilds: 12, seed: 3 });
    const shards = await Promise.all([0, 1, 2].map((id) => h.login(undefined, { shard: [id, 3] })));
    const all = new Set<string>();
    shards.forEach((client, shardId) => {
      const ready = client.dispatches('READY')[0]!.d;
      expect(ready.shard).toEqual([shardId, 3]);
      for (const { id } of ready.guilds) {
        expect(shardIdOf(id, 3)).toBe(shardId);
        all.add(id);
      }
      expect(
        client
          .dispatches('GUILD_CREATE')
          .map((p) => p.d.id)
          .sort(),
      ).toEqual(ready.guilds.map((g: { id: string }) => g.id).sort());
    });
    expect(all.size).toBe(12);
  });

  it('dispatches a guild created at run time as GUILD_CREATE on its shard only', async () => {
    h = await startHarness({ rateLimits: false });
    const [zero, one] = await Promise.all([0, 1].map((id) => h.login(undefined, { shard: [id, 2] })));
    const created = (
      await h.control('POST', '/guilds', { name: 'late guild', channels: 2, roles: 1, members: 3 })
    ).body;
    expect(created.channels).toHaveLength(2);
    const owner = shardIdOf(created.id, 2) === 0 ? zero! : one!;
    const other = owner === zero ? one! : zero!;
    const event = await owner.dispatch('GUILD_CREATE', (d) => d.id === created.id);
    expect(event.d).toMatchObject({ name: 'late guild', unavailable: false, member_count: 4, large: false });
    expect(event.d.channels.map((c: { id: string }) => c.id)).toEqual(
      created.channels.map((c: { id: string }) => c.id),
    );
    // One more event on the owner proves the other shard had its chance to (wrongly) receive it.
    await h.control('POST', `/channels/${created.channels[0].id}/messages`, { content: 'after' });
    await owner.dispatch('MESSAGE_CREATE');
    expect(other.dispatches('GUILD_CREATE')).toHaveLength(0);
    expect(other.dispatches('MESSAGE_CREATE')).toHaveLength(0);
  });

  it('filters by intents and blanks content without MESSAGE_CONTENT unless the bot is mentioned', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const full = await h.login(undefined, { intents: GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT });
    const noContent = await h.login(undefined, { intents: GUILDS | GUILD_MESSAGES });
    const guildsOnly = await h.login(undefined, { intents: GUILDS });
    const channelId = full.dispatches('GUILD_CREATE')[0]!.d.channels[0].id;
    const post = (content: string) => h.control('POST', `/channels/${channelId}/messages`, { content });
    await post('secret words');
    await post(`hey <@${h.sim.defaultBot.id}> look`);
    await h.rest()('POST', `/channels/${channelId}/messages`, { content: 'my own words' });
    await full.until(() => full.dispatches('MESSAGE_CREATE').length === 3);
    await noContent.until(() => noContent.dispatches('MESSAGE_CREATE').length === 3);
    expect(full.dispatches('MESSAGE_CREATE').map((p) => p.d.content)).toEqual([
      'secret words',
      `hey <@${h.sim.defaultBot.id}> look`,
      'my own words',
    ]);
    expect(noContent.dispatches('MESSAGE_CREATE').map((p) => p.d.content)).toEqual([
      '',
      `hey <@${h.sim.defaultBot.id}> look`,
      'my own words',
    ]);
    // GUILD_MEMBER_ADD needs GUILD_MEMBERS: nobody here gets it, GUILDS-only got no message at all.
    await h.control('POST', `/guilds/${full.dispatches('GUILD_CREATE')[0]!.d.id}/members`, {
      username: 'newbie',
    });
    await h.rest()('PATCH', `/channels/${channelId}`, { topic: 'marker' });
    await guildsOnly.dispatch('CHANNEL_UPDATE');
    expect(guildsOnly.dispatches('MESSAGE_CREATE')).toHaveLength(0);
    expect(guildsOnly.dispatches('GUILD_MEMBER_ADD')).toHaveLength(0);
  });

  it('sends GUILD_MEMBER_* only with GUILD_MEMBERS, and every member in GUILD_CREATE only with GUILD_PRESENCES', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const members = await h.login(undefined, { intents: GUILDS | GUILD_MEMBERS | GUILD_PRESENCES });
    const plain = await h.login(undefined, { intents: GUILDS });
    const guild = members.dispatches('GUILD_CREATE')[0]!.d;
    expect(guild.members.length).toBe(guild.member_count);
    expect(
      plain.dispatches('GUILD_CREATE')[0]!.d.members.map((m: { user: { id: string } }) => m.user.id),
    ).toEqual([h.sim.defaultBot.id]);
    const added = (await h.control('POST', `/guilds/${guild.id}/members`, { username: 'newbie' })).body;
    const event = await members.dispatch('GUILD_MEMBER_ADD');
    expect(event.d).toMatchObject({ guild_id: guild.id, user: { id: added.user.id, username: 'newbie' } });
    await h.rest()('PATCH', `/guilds/${guild.id}/members/${added.user.id}`, { nick: 'nick' });
    expect((await members.dispatch('GUILD_MEMBER_UPDATE')).d.nick).toBe('nick');
    await h.rest()('DELETE', `/guilds/${guild.id}/members/${added.user.id}`);
    expect((await members.dispatch('GUILD_MEMBER_REMOVE')).d.user.id).toBe(added.user.id);
    expect(plain.dispatches('GUILD_MEMBER_ADD')).toHaveLength(0);
  });

  it('without GUILDS the guilds stay unavailable: no GUILD_CREATE', async () => {
    h = await startHarness({ rateLimits: false, guilds: 2 });
    const client = await h.login(undefined, { intents: GUILD_MESSAGES });
    expect(client.dispatches('READY')[0]!.d.guilds).toHaveLength(2);
    client.send({ op: 1, d: null });
    await client.until(() => client.received.find((p) => p.op === 11));
    expect(client.dispatches('GUILD_CREATE')).toHaveLength(0);
  });

  it('frames zlib-stream: one deflate context, every message ending in 00 00 ff ff', async () => {
    h = await startHarness({ rateLimits: false, guilds: 2 });
    const client = await h.connect({ query: '?v=10&encoding=json&compress=zlib-stream', zlib: true });
    const frames: Buffer[] = [];
    client.ws.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
    client.identify(h.sim.defaultBot.token);
    await client.until(() => client.dispatches('GUILD_CREATE').length === 2);
    expect(client.received[0]).toMatchObject({ op: 10 });
    for (const frame of frames) expect(frame.subarray(-4)).toEqual(Buffer.from([0, 0, 0xff, 0xff]));
    // The frames are one stream: a later frame cannot be inflated on its own.
    expect(() => inflateSync(frames.at(-1)!, { finishFlush: constants.Z_SYNC_FLUSH })).toThrow();
  });

  it('drops what a zlib-stream connection had still to encode when it closes, without a warning', async () => {
    const { logger, messages } = recordingLogger('simulator');
    h = await startHarness({ rateLimits: false, guilds: 300, logger });
    const client = await h.connect({ query: '?v=10&encoding=json&compress=zlib-stream', zlib: true });
    client.identify(h.sim.defaultBot.token);
    // Cut off once READY is in: most of the 300 GUILD_CREATEs are still queued for the deflater.
    await client.until(() => client.dispatches('READY').length === 1);
    client.ws.terminate();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(client.dispatches('GUILD_CREATE').length).toBeLessThan(300);
    expect(messages()).toEqual([]);
  });

  it('frames zstd-stream: every message a zstd frame that a streaming decoder (fzstd) yields at once', async () => {
    h = await startHarness({ rateLimits: false, guilds: 2 });
    const ws = new WebSocket(`${h.sim.gatewayUrl}/?v=10&encoding=json&compress=zstd-stream`);
    const received: { op: number; t: string | null }[] = [];
    let decoded: Uint8Array[] = [];
    const stream = new Decompress((chunk) => decoded.push(chunk));
    const arrived = new Promise<void>((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (data: Buffer, isBinary) => {
        expect(isBinary).toBe(true);
        stream.push(new Uint8Array(data));
        // Each message decodes in full from its own frame (and what came before it).
        received.push(JSON.parse(Buffer.concat(decoded).toString('utf8')));
        decoded = [];
        if (received[0]?.op === 10 && received.length === 1)
          ws.send(
            JSON.stringify({
              op: 2,
              d: {
                token: h.sim.defaultBot.token,
                intents: 1,
                properties: { os: 'l', browser: 'b', device: 'd' },
              },
            }),
          );
        if (received.filter((p) => p.t === 'GUILD_CREATE').length === 2) resolve();
      });
    });
    await arrived;
    ws.terminate();
    expect(received.map((p) => p.t ?? p.op)).toEqual([10, 'READY', 'GUILD_CREATE', 'GUILD_CREATE']);
    expect((await h.control('GET', '/stats')).body.compression).toEqual({ 'zstd-stream': 1 });
  });

  it('answers heartbeats with HEARTBEAT_ACK and op 8 with GUILD_MEMBERS_CHUNK', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const client = await h.login(undefined, { intents: GUILDS | GUILD_MEMBERS });
    client.send({ op: 1, d: client.lastSeq() });
    await client.until(() => client.received.find((p) => p.op === 11));
    const guildId = client.dispatches('GUILD_CREATE')[0]!.d.id;
    client.send({ op: 8, d: { guild_id: guildId, query: '', limit: 0, nonce: 'n1' } });
    const chunk = await client.dispatch('GUILD_MEMBERS_CHUNK');
    expect(chunk.d).toMatchObject({ guild_id: guildId, chunk_index: 0, chunk_count: 1, nonce: 'n1' });
    expect(chunk.d.members.length).toBe(client.dispatches('GUILD_CREATE')[0]!.d.member_count);
  });

  it('requesting every member without GUILD_MEMBERS → 4013', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const client = await h.login(undefined, { intents: GUILDS });
    client.send({ op: 8, d: { guild_id: client.dispatches('GUILD_CREATE')[0]!.d.id, query: '', limit: 0 } });
    expect(await client.closed()).toBe(4013);
  });
});

describe('gateway dispatch caveats', () => {
  it('sends GUILD_MEMBER_UPDATE about the bot itself without GUILD_MEMBERS', async () => {
    const h = await startHarness({ rateLimits: false, guilds: 1 });
    try {
      const client = await h.login(undefined, { intents: 1 });
      const guildId = client.dispatches('GUILD_CREATE')[0]!.d.id;
      await h.rest()('PATCH', `/guilds/${guildId}/members/${h.sim.defaultBot.id}`, { nick: 'me' });
      expect((await client.dispatch('GUILD_MEMBER_UPDATE')).d).toMatchObject({
        nick: 'me',
        user: { id: h.sim.defaultBot.id },
      });
    } finally {
      await h.close();
    }
  });
});

describe('payload compression', () => {
  it('deflates each payload on its own after IDENTIFY compress: true, and not under zlib-stream', async () => {
    const h = await startHarness({ rateLimits: false, guilds: 1 });
    try {
      const plain = await h.connect();
      const frames: Buffer[] = [];
      plain.ws.on('message', (data: Buffer, isBinary: boolean) => {
        if (isBinary) frames.push(Buffer.from(data));
      });
      plain.identify(h.sim.defaultBot.token, { compress: true });
      await plain.dispatch('GUILD_CREATE');
      expect(frames).toHaveLength(2);
      const payloads = frames.map((frame) => JSON.parse(inflateSync(frame).toString('utf8')));
      expect(payloads.map((p) => p.t)).toEqual(['READY', 'GUILD_CREATE']);

      const streamed = await h.connect({ query: '?v=10&encoding=json&compress=zlib-stream', zlib: true });
      streamed.identify(h.sim.defaultBot.token, { compress: true });
      expect((await streamed.dispatch('GUILD_CREATE')).d.id).toBe(payloads[1].d.id);
    } finally {
      await h.close();
    }
  });
});
