/** Every close code the simulator sends, provoked the way a client would provoke it on Discord. */
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGatewayClient } from '../testing/gatewayClient.js';
import { type Harness, startHarness } from '../testing/harness.js';

const properties = { os: 'linux', browser: 'test', device: 'test' };

describe('gateway close codes', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const identifyWith = (client: TestGatewayClient, d: Record<string, unknown>) =>
    client.send({ op: 2, d: { token: h.sim.defaultBot.token, intents: 513, properties, ...d } });

  const cases: [string, number, (c: TestGatewayClient) => void | Promise<void>][] = [
    ['unknown opcode', 4001, (c) => c.send({ op: 99, d: null })],
    ['server-only opcode sent by the client', 4001, (c) => c.send({ op: 11, d: null })],
    ['malformed JSON', 4002, (c) => c.send('{"op": 1, "d":')],
    ['a payload without op', 4002, (c) => c.send({ d: 1 })],
    ['a binary frame', 4002, (c) => c.ws.send(Buffer.from(JSON.stringify({ op: 1, d: null })))],
    ['a frame over 4096 bytes', 4002, (c) => c.send({ op: 1, d: null, pad: 'x'.repeat(4100) })],
    ['large_threshold over 250', 4001, (c) => identifyWith(c, { large_threshold: 251 })],
    ['IDENTIFY without properties', 4001, (c) => identifyWith(c, { properties: undefined })],
    ['a command before IDENTIFY', 4003, (c) => c.send({ op: 8, d: { guild_id: '1', query: '', limit: 0 } })],
    ['a wrong token', 4004, (c) => identifyWith(c, { token: 'MTIz.abc.def' })],
    [
      'IDENTIFY twice',
      4005,
      async (c) => {
        identifyWith(c, {});
        await c.dispatch('READY');
        identifyWith(c, {});
      },
    ],
    [
      'more than 120 sends in 60 s',
      4008,
      (c) => {
        for (let i = 0; i < 121; i++) c.send({ op: 1, d: null });
      },
    ],
    ['shard id not below shard count', 4010, (c) => identifyWith(c, { shard: [2, 2] })],
    ['a malformed shard', 4010, (c) => identifyWith(c, { shard: [0] })],
    ['an unknown intent bit', 4013, (c) => identifyWith(c, { intents: 1 << 30 })],
    ['intents that are not a number', 4013, (c) => identifyWith(c, { intents: 'all' })],
  ];

  it.each(cases)('%s → %i', async (_name, code, provoke) => {
    h = await startHarness({ guilds: 1 });
    const client = await h.connect();
    await provoke(client);
    expect(await client.closed()).toBe(code);
  });

  const garbage: [string, number][] = [
    ['null', 4002],
    ['[]', 4002],
    ['"text"', 4002],
    ['{"op":"1"}', 4002],
    ['{"op":1.5}', 4002],
    ['{"op":2,"d":null}', 4001],
    ['{"op":2,"d":[]}', 4001],
    ['{"op":6,"d":"resume"}', 4001],
    ['{"op":6,"d":{"token":"x","session_id":1,"seq":1}}', 4001],
    [`{"op":1,"d":${'['.repeat(1000)}${']'.repeat(1000)}}`, 0],
    ['\u0000\uffff', 4002],
  ];

  it.each(garbage)('garbage %s → %i, and the server stays up', async (frame, code) => {
    h = await startHarness({ guilds: 1 });
    const client = await h.connect();
    client.send(frame);
    if (code === 0) {
      // Deeply nested but valid JSON is a heartbeat like any other.
      await client.until(() => client.received.find((p) => p.op === 11));
    } else {
      expect(await client.closed()).toBe(code);
    }
    const next = await h.login();
    expect(next.dispatches('READY')).toHaveLength(1);
  });

  it('an unsupported API version → 4012', async () => {
    h = await startHarness();
    const client = await h.connect({ query: '?v=6&encoding=json' });
    expect(await client.closed()).toBe(4012);
  });

  it('privileged intents the bot has not enabled → 4014', async () => {
    h = await startHarness({ guilds: 1 });
    const { body: bot } = await h.control('POST', '/bots', { username: 'plain', privilegedIntents: [] });
    const client = await h.connect();
    identifyWith(client, { token: bot.token, intents: 1 | 512 | 32768 });
    expect(await client.closed()).toBe(4014);
    const allowed = await h.control('POST', '/bots', { privilegedIntents: ['MESSAGE_CONTENT'] });
    const ok = await h.login(allowed.body.token, { intents: 1 | 512 | 32768 });
    expect(ok.closeCode).toBeUndefined();
    const other = await h.connect();
    identifyWith(other, { token: allowed.body.token, intents: 1 | 2 });
    expect(await other.closed()).toBe(4014);
  });

  it('a shard that would hold more than 2,500 guilds → 4011', async () => {
    h = await startHarness();
    for (let i = 0; i < 2501; i++) h.sim.world.createGuild({ channels: 1, roles: 0, members: 1 });
    const client = await h.connect();
    identifyWith(client, { shard: [0, 1] });
    expect(await client.closed()).toBe(4011);
    const sharded = await h.connect();
    identifyWith(sharded, { shard: [0, 2] });
    await sharded.dispatch('READY');
  });

  it('missed heartbeats → 4009 and the session cannot be resumed', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 1, clock, heartbeatIntervalMs: 1000 });
    const client = await h.login();
    const ready = client.dispatches('READY')[0]!;
    client.send({ op: 1, d: client.lastSeq() });
    await client.until(() => client.received.find((p) => p.op === 11));
    clock.advance(1400);
    expect(client.closeCode).toBeUndefined();
    clock.advance(200);
    expect(await client.closed()).toBe(4009);
    const again = await h.connect();
    again.send({ op: 6, d: { token: h.sim.defaultBot.token, session_id: ready.d.session_id, seq: 1 } });
    const invalid = await again.until(() => again.received.find((p) => p.op === 9));
    expect(invalid.d).toBe(false);
  });

  it('a bad connection never affects another one', async () => {
    h = await startHarness({ guilds: 1 });
    const good = await h.login();
    const bad = await h.connect();
    bad.send('not json at all');
    expect(await bad.closed()).toBe(4002);
    const channelId = good.dispatches('GUILD_CREATE')[0]!.d.channels[0].id;
    await h.control('POST', `/channels/${channelId}/messages`, { content: 'still here' });
    await good.dispatch('MESSAGE_CREATE', (d) => d.content === 'still here');
    expect(good.closeCode).toBeUndefined();
  });
});
