import { createMetricsRegistry, ManualClock } from '@shardwire/core';
import { describe, expect, it, vi } from 'vitest';
import { runBrokerContract } from '../testing/contract.js';
import { waitFor } from '../testing/helpers.js';
import { JsonText } from './JsonText.js';
import { MemoryBroker } from './MemoryBroker.js';

runBrokerContract('memory', async () => new MemoryBroker());

describe('MemoryBroker', () => {
  it('expires waiting messages on the injected clock, with no consumer online', async () => {
    const clock = new ManualClock(1_000);
    const broker = new MemoryBroker({ clock });
    await broker.declareGroup('g', 'a.b', { maxAgeMs: 60_000 });
    await broker.publish('a.b', 1, { messageId: 'early' });
    clock.advance(30_000);
    await broker.publish('a.b', 2, { messageId: 'late' });
    clock.advance(30_000);
    expect((await broker.deadLetters.list()).map((d) => d.messageId)).toEqual(['early']);
    clock.advance(30_000);
    expect((await broker.deadLetters.list()).map((d) => [d.messageId, d.deadAt])).toEqual([
      ['early', 61_000],
      ['late', 91_000],
    ]);
    await broker.close();
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts published, delivered, acked, nacked, redelivered, dead-lettered and queue depth', async () => {
    const registry = createMetricsRegistry('test');
    const broker = new MemoryBroker({ registry });
    await broker.declareGroup('waiting', 'm.*');
    let calls = 0;
    await broker.consume(
      'working',
      'm.*',
      () => {
        calls++;
        if (calls <= 2) throw new Error('no');
      },
      { maxDeliveries: 2 },
    );
    await broker.publish('m.a', 1);
    await broker.publish('m.a', 2);
    await waitFor(() => calls === 3, 'three calls');
    await waitFor(async () => (await broker.deadLetters.list()).length === 1, 'a dead letter');
    const text = await registry.metrics();
    const value = (line: string) => Number(new RegExp(`^${line} (\\S+)$`, 'm').exec(text)?.[1]);
    const labels = '{backend="memory",group="working",service="test"}';
    expect(value('shardwire_broker_published_total\\{backend="memory",service="test"\\}')).toBe(2);
    expect(value('shardwire_broker_confirmed_total\\{backend="memory",service="test"\\}')).toBe(2);
    expect(value(`shardwire_broker_delivered_total${labels}`)).toBe(3);
    expect(value(`shardwire_broker_redelivered_total${labels}`)).toBe(1);
    expect(value(`shardwire_broker_nacked_total${labels}`)).toBe(2);
    expect(value(`shardwire_broker_acked_total${labels}`)).toBe(1);
    expect(value(`shardwire_broker_dead_lettered_total${labels}`)).toBe(1);
    expect(value('shardwire_broker_queue_depth\\{backend="memory",group="waiting",service="test"\\}')).toBe(
      2,
    );
    await broker.close();
  });
});

describe('MemoryBroker shared bodies', () => {
  it('no group can change what another group or the publisher sees', async () => {
    const broker = new MemoryBroker();
    const got: { a: unknown[]; b: unknown[] } = { a: [], b: [] };
    const errors: unknown[] = [];
    await broker.consume<{ n: { v: number } }>('ga', 'x.y', (d) => {
      try {
        d.body.n.v = 99;
      } catch (err) {
        errors.push(err);
      }
      got.a.push(d.body);
    });
    await broker.consume<{ n: { v: number } }>('gb', 'x.y', (d) => void got.b.push(d.body));
    const body = { n: { v: 1 } };
    await broker.publish('x.y', body, { headers: { h: '1' } });
    await waitFor(() => got.a.length === 1 && got.b.length === 1, 'both groups');
    expect(errors).toHaveLength(1);
    expect(got.b).toEqual([{ n: { v: 1 } }]);
    expect(body).toEqual({ n: { v: 1 } });
    await broker.close();
  });

  it('delivers a JsonText property parsed, and dead-letters one that is not JSON when it is read', async () => {
    const broker = new MemoryBroker();
    const got: unknown[] = [];
    await broker.consume('g', 'x.*', (delivery) => {
      const body = delivery.body as { d: unknown };
      void body.d;
      got.push(body);
    });
    await broker.publish('x.ok', { id: '1', d: new JsonText('{"content":"hi"}') });
    await broker.publish('x.bad', { id: '2', d: new JsonText('{"content":') });
    await broker.publish('x.ok', { id: '3', d: new JsonText('null') });
    await waitFor(() => got.length === 2, 'the two good messages');
    expect(got).toEqual([
      { id: '1', d: { content: 'hi' } },
      { id: '3', d: null },
    ]);
    const dead = await broker.deadLetters.list({ group: 'g' });
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ body: { id: '2', d: '{"content":' } });
    expect(dead[0]!.reason).toMatch(/^poison: body is not JSON/);
    expect(dead[0]!.deliveries).toBe(1);
    await broker.close();
  });

  it('acks a body whose JsonText the handler never reads, not parsing it', async () => {
    const broker = new MemoryBroker();
    const text = new JsonText('{"content":');
    const parse = vi.spyOn(text, 'value');
    let types = 0;
    await broker.consume('g', 'x.*', (delivery) => {
      if ((delivery.body as { t: string }).t === 'MESSAGE_CREATE') types++;
    });
    await broker.publish('x.bad', { t: 'MESSAGE_CREATE', d: text });
    await waitFor(() => types === 1, 'the delivery');
    await broker.close();
    expect(parse).not.toHaveBeenCalled();
    expect(await broker.deadLetters.list({ group: 'g' })).toEqual([]);
  });

  it('settles by what the handler did: returned, threw anything (even undefined), or a thenable that rejected', async () => {
    const broker = new MemoryBroker();
    const attempts: string[] = [];
    await broker.consume<string>(
      'g',
      'k.*',
      (d) => {
        attempts.push(`${d.body}${d.deliveryCount}`);
        if (d.body === 'throws' && d.deliveryCount === 1) throw undefined;
        if (d.body === 'thenable')
          // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, on purpose
          return { then: (_ok: () => void, fail: (e: unknown) => void) => fail(new Error('no')) } as never;
      },
      { maxDeliveries: 2 },
    );
    await broker.publish('k.a', 'returns');
    await broker.publish('k.a', 'throws');
    await broker.publish('k.a', 'thenable');
    await waitFor(async () => (await broker.deadLetters.list()).length === 1, 'the thenable dead-lettered');
    expect(attempts.sort()).toEqual(['returns1', 'thenable1', 'thenable2', 'throws1', 'throws2']);
    const [letter] = await broker.deadLetters.list();
    expect(letter).toMatchObject({ body: 'thenable', deliveries: 2 });
    expect(letter!.reason).toContain('no');
    await broker.close();
  });

  it('a group declared after a publish receives the next publishes to the same key', async () => {
    const broker = new MemoryBroker();
    await broker.declareGroup('first', 'k.*');
    await broker.publish('k.a', 1);
    const got: number[] = [];
    await broker.consume<number>('late', 'k.a', (d) => void got.push(d.body));
    await broker.publish('k.a', 2);
    await waitFor(() => got.length === 1, 'late group');
    expect(got).toEqual([2]);
    await broker.close();
  });
});
