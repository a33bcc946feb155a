/** RESUME: replay of what a dropped session missed, the resume window, and when a session ends. */
import { ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestGatewayClient } from '../testing/gatewayClient.js';
import { type Harness, startHarness } from '../testing/harness.js';
import { eventually } from '../testing/wait.js';

describe('gateway RESUME', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /** Waits until the server has seen the drop (the client's close comes first). */
  const suspended = () =>
    eventually(async () => {
      const { shards } = (await h.control('GET', '/stats')).body;
      return shards.length > 0 && shards.every((s: { state: string }) => s.state === 'resumable');
    });
  const sessionOf = (client: TestGatewayClient) => client.dispatches('READY')[0]!.d;
  const channelOf = (client: TestGatewayClient) =>
    client.dispatches('GUILD_CREATE')[0]!.d.channels[0].id as string;
  const resume = async (session: { session_id: string; resume_gateway_url: string }, seq: number | null) => {
    const client = await h.connect({ url: session.resume_gateway_url });
    client.send({ op: 6, d: { token: h.sim.defaultBot.token, session_id: session.session_id, seq } });
    return client;
  };

  it('replays what the session missed, in order, then RESUMED', async () => {
    h = await startHarness({ guilds: 1 });
    const first = await h.login();
    const session = sessionOf(first);
    const channelId = channelOf(first);
    const seq = first.lastSeq()!;
    first.terminate();
    await first.closed();
    for (const content of ['one', 'two'])
      await h.control('POST', `/channels/${channelId}/messages`, { content });
    const second = await resume(session, seq);
    const resumed = await second.dispatch('RESUMED');
    const replayed = second.received.filter((p) => p.op === 0 && p.t !== 'RESUMED');
    expect(replayed.map((p) => [p.t, p.s, p.d.content])).toEqual([
      ['MESSAGE_CREATE', seq + 1, 'one'],
      ['MESSAGE_CREATE', seq + 2, 'two'],
    ]);
    expect(resumed.s).toBe(seq + 3);
    // The session goes on with the same numbering.
    await h.control('POST', `/channels/${channelId}/messages`, { content: 'three' });
    const live = await second.dispatch('MESSAGE_CREATE', (d) => d.content === 'three');
    expect(live.s).toBe(seq + 4);
    const stats = (await h.control('GET', '/stats')).body;
    expect(stats.resumes).toBe(1);
    expect(stats.shards).toEqual([
      expect.objectContaining({ session: session.session_id, seq: seq + 4, state: 'connected' }),
    ]);
  });

  it('replays from an older seq too, and answers a seq from the future with 4007', async () => {
    h = await startHarness({ guilds: 2 });
    const first = await h.login();
    const session = sessionOf(first);
    first.terminate();
    await first.closed();
    const fromStart = await resume(session, 1);
    await fromStart.dispatch('RESUMED');
    expect(fromStart.dispatches('GUILD_CREATE').map((p) => p.s)).toEqual([2, 3]);
    fromStart.terminate();
    await fromStart.closed();
    const ahead = await resume(session, 99);
    expect(await ahead.closed()).toBe(4007);
  });

  it('a resume takes the session over from a connection that still holds it', async () => {
    h = await startHarness({ guilds: 1 });
    const first = await h.login();
    const second = await resume(sessionOf(first), first.lastSeq());
    await second.dispatch('RESUMED');
    expect(await first.closed()).toBe(4000);
  });

  it('a 1000 close ends the session: RESUME gets INVALID_SESSION false', async () => {
    h = await startHarness({ guilds: 1 });
    const first = await h.login();
    first.close(1000);
    await first.closed();
    const second = await resume(sessionOf(first), first.lastSeq());
    const invalid = await second.until(() => second.received.find((p) => p.op === 9));
    expect(invalid.d).toBe(false);
  });

  it('a dropped session expires after the resume window', async () => {
    const clock = new ManualClock(Date.now());
    h = await startHarness({ guilds: 1, clock, resumeWindowMs: 5000 });
    const first = await h.login();
    first.terminate();
    await first.closed();
    await suspended();
    clock.advance(4999);
    const inTime = await resume(sessionOf(first), first.lastSeq());
    await inTime.dispatch('RESUMED');
    inTime.terminate();
    await suspended();
    clock.advance(5000);
    const late = await resume(sessionOf(first), first.lastSeq());
    const invalid = await late.until(() => late.received.find((p) => p.op === 9));
    expect(invalid.d).toBe(false);
  });

  it('a wrong token on RESUME → 4004', async () => {
    h = await startHarness({ guilds: 1 });
    const first = await h.login();
    first.terminate();
    const client = await h.connect();
    client.send({ op: 6, d: { token: 'bad.token.here', session_id: sessionOf(first).session_id, seq: 1 } });
    expect(await client.closed()).toBe(4004);
  });

  it('RESUME after IDENTIFY on the same connection → 4005', async () => {
    h = await startHarness({ guilds: 1 });
    const client = await h.login();
    client.send({
      op: 6,
      d: { token: h.sim.defaultBot.token, session_id: sessionOf(client).session_id, seq: 1 },
    });
    expect(await client.closed()).toBe(4005);
  });
});
