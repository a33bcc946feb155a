import { MemoryBroker } from '@shardwire/broker';
import type { Envelope } from '@shardwire/core';
import { describe, expect, it, vi } from 'vitest';
import { partitionOf, withPartitions } from './partition.js';

describe('partitions', () => {
  it.each([
    ['41771983423143936', 1024, Number((41771983423143936n >> 22n) % 1024n)],
    ['41771983423143936', 1, 0],
    ['175928847299117063', 16, Number((175928847299117063n >> 22n) % 16n)],
  ])('partitionOf(%s, %i) = %i', (guild, count, expected) => {
    expect(partitionOf(guild, count)).toBe(expected);
  });

  it('stamps envelopes with a guild, leaves the rest and other bodies alone', async () => {
    const broker = new MemoryBroker();
    const received: Envelope[] = [];
    await broker.consume<Envelope>('t', 'events.#', (delivery) => {
      received.push(delivery.body);
    });
    const wrapped = withPartitions(broker, 64);
    const base = { bot: 'b', shard: 0, seq: 1, d: {}, receivedAt: 0 };
    await wrapped.publish('events.X', { ...base, id: '1', t: 'X', guildId: '41771983423143936' });
    await wrapped.publish('events.Y', { ...base, id: '2', t: 'Y' });
    await wrapped.publish('events.Z', { hello: 1 });
    await vi.waitFor(() => expect(received).toHaveLength(3));
    expect(received.map((e) => e.partition)).toEqual([
      partitionOf('41771983423143936', 64),
      undefined,
      undefined,
    ]);
    await wrapped.close();
  });
});
