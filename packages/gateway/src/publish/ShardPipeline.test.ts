import { type Envelope, envelopeId, guildIdOf, systemClock } from '@shardwire/core';
import { describe, expect, it, vi } from 'vitest';
import { partitionOf } from '../reshard/partition.js';
import type { Dispatch } from '../shard/shard.js';
import { FakeBroker, FakeCache } from '../testing/fakes.js';
import { envelopeIdPrefix, ShardPipeline, type ShardPipelineOptions, toEnvelope } from './ShardPipeline.js';

const dispatch = (
  seq: number,
  t = 'MESSAGE_CREATE',
  d: unknown = { guild_id: '77', id: String(seq) },
): Dispatch => ({
  shard: 2,
  t,
  d,
  guildId: guildIdOf(t, d),
  seq,
  sessionId: 'sess',
  receivedAt: 1000 + seq,
});

/** A pipeline for shard 2 of bot `b` over a fake broker, recording what it reports safe. */
function pipelineOver(broker: FakeBroker, extra: Partial<ShardPipelineOptions> = {}) {
  const confirmed: number[] = [];
  const pipeline = new ShardPipeline({
    bot: 'b',
    partitions: 64,
    shard: 2,
    clock: systemClock,
    random: () => 0,
    broker: broker.asBroker(),
    cache: new FakeCache().asCache(),
    onConfirmed: (d) => confirmed.push(d.seq),
    ...extra,
  });
  return { pipeline, confirmed };
}

describe('ShardPipeline', () => {
  it('applies to the cache before publishing, and publishes envelopes in order with ids and keys', async () => {
    const broker = new FakeBroker();
    const cache = new FakeCache();
    const order: string[] = [];
    const rawCache = cache.asCache();
    const pipeline = new ShardPipeline({
      bot: 'bot1',
      partitions: 64,
      shard: 2,
      clock: systemClock,
      broker: broker.asBroker(),
      cache: {
        ...rawCache,
        apply: async (t, d, shard) => {
          order.push(`apply ${(d as { id: string }).id}`);
          await rawCache.apply(t, d, shard);
        },
      },
    });
    broker.gate = async () => {
      order.push(`publish ${broker.published.length + 1}`);
    };
    for (let seq = 1; seq <= 3; seq++) pipeline.push(dispatch(seq));
    await pipeline.idle();
    expect(order.indexOf('apply 1')).toBeLessThan(order.indexOf('publish 1'));
    expect(broker.published.map((p) => p.body.seq)).toEqual([1, 2, 3]);
    expect(broker.published[0]).toEqual({
      routingKey: 'events.MESSAGE_CREATE',
      messageId: 'bot1:2:sess:1',
      partitionKey: '77',
      body: {
        id: 'bot1:2:sess:1',
        bot: 'bot1',
        shard: 2,
        seq: 1,
        t: 'MESSAGE_CREATE',
        d: { guild_id: '77', id: '1' },
        guildId: '77',
        partition: partitionOf('77', 64),
        receivedAt: 1001,
      },
    });
  });

  it('stamps the partition on envelopes with a guild only', async () => {
    const broker = new FakeBroker();
    const { pipeline } = pipelineOver(broker);
    pipeline.push(dispatch(1, 'MESSAGE_CREATE', { guild_id: '175928847299117063', id: '1' }));
    pipeline.push(dispatch(2, 'USER_UPDATE', { id: '5' }));
    await pipeline.idle();
    expect(broker.published.map((p) => [p.body.guildId, p.body.partition, p.partitionKey])).toEqual([
      ['175928847299117063', Number((175928847299117063n >> 22n) % 64n), '175928847299117063'],
      [undefined, undefined, undefined],
    ]);
    expect('partition' in broker.published[1]!.body).toBe(false);
  });

  it('reports only the contiguous confirmed prefix when confirms come out of order', async () => {
    const broker = new FakeBroker();
    const release = new Map<number, () => void>();
    let n = 0;
    broker.gate = () => {
      const seq = ++n;
      return new Promise<void>((resolve) => release.set(seq, resolve));
    };
    const confirmed: number[] = [];
    const pipeline = new ShardPipeline({
      bot: 'b',
      partitions: 64,
      shard: 2,
      clock: systemClock,
      broker: broker.asBroker(),
      cache: new FakeCache().asCache(),
      onConfirmed: (d) => confirmed.push(d.seq),
    });
    for (let seq = 1; seq <= 3; seq++) pipeline.push(dispatch(seq));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release.get(3)!();
    release.get(2)!();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(confirmed).toEqual([]);
    release.get(1)!();
    await pipeline.idle();
    expect(confirmed).toEqual([1, 2, 3]);
  });

  it('retries a failed publish until the broker confirms it, without advancing past it', async () => {
    const broker = new FakeBroker();
    let failures = 2;
    broker.gate = async () => {
      if (failures-- > 0) throw new Error('broker down');
    };
    const { pipeline, confirmed } = pipelineOver(broker);
    pipeline.push(dispatch(1));
    await pipeline.idle();
    expect(broker.published.map((p) => p.body.seq)).toEqual([1]);
    expect(confirmed).toEqual([1]);
  });

  it('asks the shard to wait when too many envelopes are unconfirmed', async () => {
    const broker = new FakeBroker();
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    broker.gate = () => gate;
    const pipeline = new ShardPipeline({
      bot: 'b',
      partitions: 64,
      shard: 2,
      clock: systemClock,
      maxInFlight: 2,
      broker: broker.asBroker(),
      cache: new FakeCache().asCache(),
    });
    expect(pipeline.push(dispatch(1))).toBeUndefined();
    const wait = pipeline.push(dispatch(2));
    expect(wait).toBeInstanceOf(Promise);
    let released = false;
    void wait!.then(() => {
      released = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(released).toBe(false);
    open();
    await wait;
    expect(released).toBe(true);
  });
});

describe('ShardPipeline with a spool', () => {
  it('spools in order while the broker is down, marks spooled envelopes safe, then drains in order', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { DiskSpool } = await import('./spool/DiskSpool.js');
    const dir = await mkdtemp(join(tmpdir(), 'pipeline-spool-'));
    const spool = await DiskSpool.open<Envelope>({ dir, name: 'shard-2' });
    const broker = new FakeBroker();
    let down = false;
    broker.gate = async () => {
      if (down) throw new Error('connection lost');
    };
    const { pipeline, confirmed } = pipelineOver(broker, { spool });
    pipeline.push(dispatch(1));
    await pipeline.idle();
    down = true;
    for (let seq = 2; seq <= 50; seq++) pipeline.push(dispatch(seq));
    await pipeline.idle();
    // Safe on disk: the checkpoint moves although the broker confirmed nothing.
    expect(confirmed.at(-1)).toBe(50);
    expect(pipeline.mode).toBe('spool');
    expect(spool.isEmpty).toBe(false);
    down = false;
    for (let seq = 51; seq <= 60; seq++) pipeline.push(dispatch(seq));
    await vi.waitFor(() => expect(pipeline.mode).toBe('direct'));
    await pipeline.idle();
    expect(broker.published.map((p) => p.body.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(spool.isEmpty).toBe(true);
    pipeline.close();
    await spool.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('toEnvelope', () => {
  it('ids the envelope as envelopeId does, with or without a prefix made beforehand', () => {
    const one = dispatch(41);
    expect(envelopeIdPrefix('b', 2, 'sess')).toBe('b:2:sess:');
    expect(toEnvelope('b', one, 64).id).toBe(envelopeId('b', 2, 'sess', 41));
    expect(toEnvelope('b', one, 64, envelopeIdPrefix('b', 2, 'sess')).id).toBe('b:2:sess:41');
  });
});
