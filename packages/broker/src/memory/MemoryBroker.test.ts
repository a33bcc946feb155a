import { createMetricsRegistry, ManualClock } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { runBrokerContract } from '../testing/contract.js';
import { waitFor } from '../testing/helpers.js';
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
