import type { Socket } from 'node:net';
import { type Logger, ManualClock } from '@shardwire/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { IdentifyThrottler } from '../identify/IdentifyThrottler.js';
import { FakeGateway } from '../testing/fakeGateway.js';
import type { ShardFatalError } from './closeCodes.js';
import { type Dispatch, Shard, type ShardOptions } from './shard.js';

const openThrottler: IdentifyThrottler = { waitForIdentify: async () => {}, remaining: async () => 1000 };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: Partial<ShardOptions> = {}, gatewayOptions = {}) {
  const gateway = await FakeGateway.start(gatewayOptions);
  const clock = new ManualClock(1_000_000);
  const dispatches: Dispatch[] = [];
  const shard = new Shard({
    id: 0,
    count: 1,
    token: 'token',
    intents: 513,
    gatewayUrl: gateway.url,
    identifyThrottler: openThrottler,
    clock,
    random: () => 0,
    invalidSessionDelayMs: [10, 10],
    onDispatch: (d) => void dispatches.push(d),
    ...options,
  });
  cleanups.push(() => gateway.close());
  cleanups.push(() => shard.stop());
  /** Waits for a condition, firing due timers of the manual clock on the way. */
  const until = async (predicate: () => boolean, stepMs = 0) => {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > 10_000) throw new Error('condition not met in time');
      clock.advance(stepMs);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  return { gateway, clock, shard, dispatches, until };
}

const ops = (gateway: FakeGateway, index: number) => gateway.connections[index]!.received.map((p) => p.op);

describe('Shard', () => {
  it('lets each payload of a burst settle before it hands on the next', async () => {
    // One socket read holding many frames: without a yield between payloads, every dispatch of the
    // burst would be handed on before any promise settled, and all their objects survive together.
    const order: string[] = [];
    const { gateway, shard, until } = await setup({
      onDispatch: (d) => {
        order.push(`dispatch ${d.seq}`);
        queueMicrotask(() => order.push(`settled ${d.seq}`));
      },
    });
    shard.connect();
    await until(() => shard.status === 'ready');
    order.length = 0;
    const socket = (gateway.connections[0]!.ws as unknown as { _socket: Socket })._socket;
    socket.cork(); // the frames leave in one write
    for (let i = 0; i < 50; i++) gateway.dispatch(0, 'MESSAGE_CREATE', { id: String(i) });
    socket.uncork();
    await until(() => order.length === 100);
    expect(order).toEqual(
      Array.from({ length: 50 }, (_, i) => [`dispatch ${i + 2}`, `settled ${i + 2}`]).flat(),
    );
  });

  it('identifies, hands dispatches on in order and heartbeats with the last seq', async () => {
    const { gateway, shard, dispatches, until } = await setup();
    shard.connect();
    await until(() => shard.status === 'ready');
    const identify = gateway.connections[0]!.received.find((p) => p.op === 2)!.d as Record<string, unknown>;
    expect(identify.shard).toEqual([0, 1]);
    expect(identify.intents).toBe(513);
    gateway.dispatch(0, 'MESSAGE_CREATE', { id: 'a' });
    gateway.dispatch(0, 'MESSAGE_CREATE', { id: 'b' });
    await until(() => dispatches.length === 3);
    expect(dispatches.map((d) => [d.t, d.seq, d.sessionId])).toEqual([
      ['READY', 1, 'session-1'],
      ['MESSAGE_CREATE', 2, 'session-1'],
      ['MESSAGE_CREATE', 3, 'session-1'],
    ]);
    // The gateway asks for a beat (op 1): it carries the last sequence number.
    const beats = () => gateway.connections[0]!.received.filter((p) => p.op === 1);
    const before = beats().length;
    gateway.send(gateway.connections[0]!, { op: 1, d: null });
    await gateway.waitFor(() => beats().length === before + 1);
    expect(beats().at(-1)!.d).toBe(3);
    await until(() => shard.heartbeatLatencyMs !== undefined);
  });

  it('decodes zlib-stream', async () => {
    const { gateway, shard, dispatches, until } = await setup({ compression: 'zlib-stream' });
    shard.connect();
    await until(() => shard.status === 'ready');
    expect(gateway.connections[0]!.query.get('compress')).toBe('zlib-stream');
    gateway.dispatch(0, 'MESSAGE_CREATE', { content: 'y'.repeat(100_000) });
    await until(() => dispatches.length === 2);
    expect((dispatches[1]!.d as { content: string }).content).toHaveLength(100_000);
  });

  it('resumes at resume_gateway_url on op 7 and receives what it missed, without identifying', async () => {
    const { gateway, shard, dispatches, until } = await setup();
    shard.connect();
    await until(() => shard.status === 'ready');
    gateway.dispatch(0, 'A', {});
    await until(() => dispatches.length === 2);
    const first = gateway.connections[0]!;
    gateway.dispatch(0, 'B', {}, { lost: true }); // logged by the gateway, lost on the way
    gateway.send(first, { op: 7, d: null });
    await until(() => dispatches.some((d) => d.t === 'RESUMED'));
    expect(gateway.identifies).toHaveLength(1);
    expect(gateway.resumes).toEqual([{ sessionId: 'session-1', seq: 2 }]);
    expect(dispatches.map((d) => d.t)).toEqual(['READY', 'A', 'B', 'RESUMED']);
  });

  it('detects a zombie connection (no ACK), closes it and resumes', async () => {
    const { gateway, clock, shard, until } = await setup({}, { ack: false, heartbeatIntervalMs: 40_000 });
    const reconnects: string[] = [];
    shard.on('reconnect', (_action, reason) => reconnects.push(reason));
    shard.connect();
    await until(() => shard.status === 'ready');
    clock.advance(0);
    await gateway.waitFor(() => ops(gateway, 0).includes(1));
    clock.advance(40_000);
    await until(() => gateway.connections.length === 2 && ops(gateway, 1).includes(6));
    expect(reconnects).toEqual(['zombie connection (no heartbeat ACK)']);
    expect(gateway.identifies).toHaveLength(1);
    await until(() => shard.status === 'ready');
  });

  it('re-identifies after a non-resumable op 9 and resumes after a resumable one', async () => {
    const { gateway, shard, until } = await setup();
    shard.connect();
    await until(() => shard.status === 'ready');
    gateway.send(gateway.connections[0]!, { op: 9, d: true });
    await until(() => gateway.resumes.length === 1 && shard.status === 'ready');
    gateway.send(gateway.open[0]!, { op: 9, d: false });
    await until(() => gateway.identifies.length === 2 && shard.status === 'ready', 10);
    expect(shard.session?.sessionId).toBe('session-2');
  });

  it.each([4004, 4010, 4011, 4012, 4013, 4014])(
    'stops with an error naming the cause on close %i',
    async (code) => {
      const { gateway, shard, until } = await setup();
      let fatal: ShardFatalError | undefined;
      shard.on('fatal', (err) => {
        fatal = err;
      });
      shard.connect();
      await until(() => shard.status === 'ready');
      gateway.connections[0]!.ws.close(code);
      await until(() => fatal !== undefined);
      expect(fatal!.code).toBe(code);
      expect(fatal!.message).toMatch(new RegExp(`closed with ${code} \\(.+\\)`));
      expect(shard.status).toBe('stopped');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(gateway.connections).toHaveLength(1);
    },
  );

  it.each([
    [4000, 'resume'],
    [4008, 'resume'],
    [4007, 'identify'],
    [4009, 'identify'],
  ])('reconnects after close %i and does a %s', async (code, expected) => {
    const { gateway, shard, until } = await setup();
    shard.connect();
    await until(() => shard.status === 'ready');
    gateway.connections[0]!.ws.close(code);
    await until(() => gateway.connections.length === 2 && shard.status === 'ready', 10);
    expect(ops(gateway, 1)).toContain(expected === 'resume' ? 6 : 2);
    expect(ops(gateway, 1)).not.toContain(expected === 'resume' ? 2 : 6);
  });

  it('backs off exponentially while the gateway is unreachable', async () => {
    const delays: number[] = [];
    const logger = {
      info: (fields: { delayMs?: number }) => {
        if (fields.delayMs !== undefined) delays.push(fields.delayMs);
      },
      warn: () => {},
      debug: () => {},
      error: () => {},
    } as unknown as Logger;
    const { gateway, shard, until } = await setup({ backoff: { baseMs: 1_000, maxMs: 8_000 }, logger });
    await gateway.close();
    shard.connect();
    // random() is 0: jitter halves each delay.
    await until(() => delays.length >= 6, 250);
    expect(delays.slice(0, 6)).toEqual([0, 500, 1_000, 2_000, 4_000, 4_000]);
    shard.stop();
  });

  it('sends commands within the send limit, keeping room for heartbeats', async () => {
    const { gateway, clock, shard, until } = await setup({}, { heartbeatIntervalMs: 41_250 });
    shard.connect();
    await until(() => shard.status === 'ready');
    // The first heartbeat (random 0) is due at once: send it before the commands, deterministically.
    clock.advance(0);
    const received = () => gateway.connections[0]!.received;
    await gateway.waitFor(() => received().some((p) => p.op === 1));
    const sends = Array.from({ length: 130 }, (_, i) => shard.send({ op: 3, d: { i } }));
    for (const send of sends) send.catch(() => {});
    const presences = () => received().filter((p) => p.op === 3).length;
    // IDENTIFY and the first beat took 2 slots and 3 are kept for heartbeats: 115 commands fit.
    await gateway.waitFor(() => presences() === 115);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(presences()).toBe(115);
    expect(received().length).toBeLessThanOrEqual(120);
    clock.advance(60_000);
    await Promise.all(sends);
    await gateway.waitFor(() => presences() === 130);
  });

  it('closes with a resumable code on stop and keeps the session', async () => {
    const { gateway, shard, until } = await setup();
    shard.connect();
    await until(() => shard.status === 'ready');
    const closed = new Promise<number>((resolve) => gateway.connections[0]!.ws.once('close', resolve));
    shard.stop();
    expect(await closed).toBe(4000);
    expect(shard.session?.sessionId).toBe('session-1');
  });

  it('falls back to the main gateway URL when the stored resume URL keeps failing', async () => {
    const { gateway, shard, until } = await setup({
      session: { sessionId: 'gone', resumeGatewayUrl: 'ws://127.0.0.1:1', seq: 5 },
      backoff: { baseMs: 1, maxMs: 2 },
    });
    shard.connect();
    await until(() => shard.status === 'ready', 5);
    // The fake gateway does not know the session: op 9, then a fresh IDENTIFY on the main URL.
    expect(gateway.resumes).toEqual([{ sessionId: 'gone', seq: 5 }]);
    expect(gateway.identifies).toHaveLength(1);
  });
});
