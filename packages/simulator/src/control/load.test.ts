/** `/_sim/load` over HTTP: events reach the sessions of their guild's shard; per-shard stats add up. */
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGatewayClient } from '../testing/gatewayClient.js';
import { type Harness, startHarness } from '../testing/harness.js';
import { eventually } from '../testing/wait.js';

const INTENTS = 1 | 256 | 512 | 1024 | 2048 | 32768;
const LOAD = new Set(['MESSAGE_CREATE', 'TYPING_START', 'MESSAGE_REACTION_ADD', 'PRESENCE_UPDATE']);

describe('/_sim/load', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('spreads events over the shards, each to the shard of its guild, counted per shard', async () => {
    h = await startHarness({ guilds: 8, seed: 5, rateLimits: false });
    const clients: TestGatewayClient[] = [];
    for (const shard of [0, 1])
      clients.push(await h.login(undefined, { shard: [shard, 2], intents: INTENTS }));
    const guildsOf = (c: TestGatewayClient) =>
      new Set(c.dispatches('READY')[0]!.d.guilds.map((g: { id: string }) => g.id));

    const started = await h.control('POST', '/load', { eventsPerSecond: 2000, seconds: 0.3 });
    expect(started.status).toBe(202);
    expect(started.body.running).toBe(true);
    await eventually(async () => !(await h.control('GET', '/load')).body.running);
    const stats = (await h.control('GET', '/stats')).body;
    expect(stats.load.generated).toBeGreaterThan(0);
    const rows = stats.perShard as {
      shard: number;
      generated: number;
      dispatched: number;
      seq: number;
      identifies: number;
    }[];
    expect(rows.map((r) => r.shard).sort()).toEqual([0, 1]);
    expect(rows.reduce((sum, r) => sum + r.generated, 0)).toBe(stats.load.generated);

    for (const [i, client] of clients.entries()) {
      const row = rows.find((r) => r.shard === i)!;
      await client.until(() => client.lastSeq() === row.seq);
      const events = client.received.filter((p) => p.t && LOAD.has(p.t));
      expect(events).toHaveLength(row.generated);
      expect(row.identifies).toBe(1);
      expect(row.dispatched).toBe(row.seq);
      const mine = guildsOf(client);
      expect(events.every((p) => mine.has(p.d.guild_id))).toBe(true);
    }
    const message = clients.flatMap((c) => c.dispatches('MESSAGE_CREATE'))[0];
    expect(message?.d).toMatchObject({
      type: 0,
      author: { id: expect.any(String) },
      content: expect.any(String),
    });
  });

  it('a shard dropped mid-load resumes with every seq once; what it missed was all kept, and the stats agree', async () => {
    // A history of 1,000 while connected (enough for what is in flight when the socket dies): the
    // thousands the dropped session misses must all be kept anyway.
    h = await startHarness({ guilds: 4, seed: 3, rateLimits: false, historyPerSession: 1000 });
    // No typing or presence intents: those load events are not this session's.
    const intents = 1 | 512 | 1024 | 32768;
    const first = await h.login(undefined, { intents });
    const session = first.dispatches('READY')[0]!.d;
    await h.control('POST', '/load', { eventsPerSecond: 5000, seconds: 1 });
    await first.until(() => first.received.some((p) => p.t && LOAD.has(p.t)));
    first.terminate();
    await first.closed();
    const seen = first.lastSeq()!;
    await eventually(async () => !(await h.control('GET', '/load')).body.running);

    const second = await h.connect({ url: session.resume_gateway_url });
    second.send({ op: 6, d: { token: h.sim.defaultBot.token, session_id: session.session_id, seq: seen } });
    const resumed = await second.dispatch('RESUMED');
    const seqs = [...first.received, ...second.received].filter((p) => p.op === 0).map((p) => p.s as number);
    expect(seqs).toEqual(Array.from({ length: resumed.s! }, (_, i) => i + 1));
    const loadEvents = [...first.received, ...second.received].filter((p) => p.t && LOAD.has(p.t));
    expect(resumed.s! - seen).toBeGreaterThan(2000);
    expect(loadEvents.every((p) => p.t === 'MESSAGE_CREATE' || p.t === 'MESSAGE_REACTION_ADD')).toBe(true);

    const stats = (await h.control('GET', '/stats')).body;
    expect(stats.perShard).toEqual([
      expect.objectContaining({
        shard: 0,
        generated: loadEvents.length,
        dispatched: resumed.s,
        pending: 0,
        dropped: 0,
        seq: resumed.s,
        identifies: 1,
        resumes: 1,
      }),
    ]);
  });

  it('rejects bad bodies and stops on DELETE', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    expect((await h.control('POST', '/load', { eventsPerSecond: 0, seconds: 1 })).status).toBe(400);
    expect(
      (await h.control('POST', '/load', { eventsPerSecond: 5, seconds: 1, mix: { NOPE: 1 } })).status,
    ).toBe(400);
    expect((await h.control('POST', '/load', { eventsPerSecond: 5, seconds: 60 })).body.running).toBe(true);
    expect((await h.control('DELETE', '/load')).body.running).toBe(false);
  });
});
