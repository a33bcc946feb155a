/** Fault injection: each fault on a live shard, and a real library recovering from it. */
import { REST } from '@discordjs/rest';
import { WebSocketManager, WebSocketShardEvents } from '@discordjs/ws';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';
import { eventually } from '../testing/wait.js';

describe('/_sim/shards/:id faults', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('reconnect sends op 7, invalidate op 9, zombie stops the ACKs, disconnect drops the socket', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const client = await h.login();
    expect((await h.control('POST', '/shards/0/reconnect')).status).toBe(200);
    await client.until(() => client.received.find((p) => p.op === 7));
    await h.control('POST', '/shards/0/zombie');
    client.send({ op: 1, d: client.lastSeq() });
    client.send({ op: 1, d: client.lastSeq() });
    await h.control('POST', '/shards/0/invalidate', { resumable: true });
    await client.until(() => client.received.find((p) => p.op === 9));
    expect(client.received.filter((p) => p.op === 11)).toHaveLength(0);
    expect(client.received.find((p) => p.op === 9)!.d).toBe(true);
    await h.control('POST', '/shards/0/disconnect');
    expect(await client.closed()).toBe(1006);
    expect((await h.control('POST', '/shards/3/disconnect')).status).toBe(404);
  });

  it('invalidate without resume ends the session and lets the client identify again', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const client = await h.login();
    await h.control('POST', '/shards/0/invalidate', { resumable: false });
    const invalid = await client.until(() => client.received.find((p) => p.op === 9));
    expect(invalid.d).toBe(false);
    client.identify(h.sim.defaultBot.token);
    await client.until(() => client.dispatches('READY').length === 2);
    expect((await h.control('GET', '/stats')).body.identifies).toBe(2);
  });

  it('@discordjs/ws resumes after a dropped connection and after op 7, and misses nothing', async () => {
    h = await startHarness({ rateLimits: false, guilds: 1 });
    const guild = (await h.control('GET', '/guilds')).body[0];
    const rest = new REST({ api: `${h.sim.url}/api` }).setToken(h.sim.defaultBot.token);
    const manager = new WebSocketManager({
      token: h.sim.defaultBot.token,
      intents: GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.MessageContent,
      rest,
    });
    const contents: string[] = [];
    let resumed = 0;
    manager.on(WebSocketShardEvents.Dispatch, (payload) => {
      if (payload.t === 'MESSAGE_CREATE') contents.push(payload.d.content);
    });
    manager.on(WebSocketShardEvents.Resumed, () => resumed++);
    try {
      await manager.connect();
      await eventually(async () => (await h.control('GET', '/stats')).body.identifies === 1);
      const post = (content: string) =>
        h.control('POST', `/channels/${guild.channels[0].id}/messages`, { content });
      await post('before');
      await eventually(() => contents.includes('before'));
      await h.control('POST', '/shards/0/disconnect');
      await post('while down');
      await eventually(() => resumed === 1, 15_000, 'resume after disconnect');
      await h.control('POST', '/shards/0/reconnect');
      await eventually(() => resumed === 2, 15_000, 'resume after op 7');
      await post('after');
      await eventually(() => contents.includes('after'));
      expect(contents).toEqual(['before', 'while down', 'after']);
      const stats = (await h.control('GET', '/stats')).body;
      expect(stats).toMatchObject({ identifies: 1, resumes: 2 });
    } finally {
      await manager.destroy();
    }
  });
});
