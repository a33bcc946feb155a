import { EventEmitter } from 'node:events';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { PublishRejectedError } from '../errors.js';
import { createBrokerMetrics } from '../metrics.js';
import { turns } from '../testing/helpers.js';
import { AmqpPublisher } from './AmqpPublisher.js';

/** A confirm channel that records what is published; the test sends the confirms. */
class FakeChannel extends EventEmitter {
  readonly sent: { routingKey: string; body: string; messageId: string | undefined }[] = [];
  publish(_exchange: string, routingKey: string, content: Buffer, options: { messageId?: string }) {
    this.sent.push({ routingKey, body: content.toString('utf8'), messageId: options.messageId });
    return true;
  }
  ack(deliveryTag: number, multiple = false) {
    this.emit('ack', { deliveryTag, multiple });
  }
  nack(deliveryTag: number, multiple = false) {
    this.emit('nack', { deliveryTag, multiple });
  }
}

/** Attaches `publisher` to a connection whose confirm channels are fakes; returns them in creation order. */
async function attachAll(publisher: AmqpPublisher): Promise<FakeChannel[]> {
  const channels: FakeChannel[] = [];
  const model = {
    createConfirmChannel: async () => {
      const channel = new FakeChannel();
      channels.push(channel);
      return channel as unknown as ConfirmChannel;
    },
  };
  await publisher.attach(model as unknown as ChannelModel);
  return channels;
}

/** The only channel of a one-channel publisher. */
async function attached(publisher: AmqpPublisher): Promise<FakeChannel> {
  const [channel] = await attachAll(publisher);
  return channel!;
}

/** Publishes `ids` (all on partition 0) and records how each one settles. */
function publishAll(publisher: AmqpPublisher, ids: string[], partitionOf = (_id: string) => 0) {
  const outcome = new Map<string, string>();
  for (const id of ids)
    publisher.publish(partitionOf(id), 'ex', `${partitionOf(id)}.key.${id}`, JSON.stringify({ id }), id).then(
      () => outcome.set(id, 'confirmed'),
      (error: Error) => outcome.set(id, error instanceof PublishRejectedError ? 'rejected' : error.name),
    );
  return outcome;
}

const newPublisher = (limit = 100, channels = 1) =>
  new AmqpPublisher(limit, createBrokerMetrics('amqp', undefined), undefined, () => {}, channels);

describe('AmqpPublisher', () => {
  it('settles each publish by its delivery tag: single, out of order, multiple, and negative', async () => {
    const publisher = newPublisher();
    const channel = await attached(publisher);
    const outcome = publishAll(publisher, ['a', 'b', 'c', 'd', 'e']);
    channel.ack(3);
    channel.nack(2);
    await turns();
    expect(Object.fromEntries(outcome)).toEqual({ b: 'rejected', c: 'confirmed' });
    channel.ack(4, true);
    await turns();
    expect(outcome.get('a')).toBe('confirmed');
    expect(outcome.get('d')).toBe('confirmed');
    expect(outcome.has('e')).toBe(false);
    expect(publisher.pending).toBe(1);
    channel.ack(5);
    await turns();
    expect(outcome.get('e')).toBe('confirmed');
    expect(publisher.pending).toBe(0);
  });

  it('sends again, on a new channel and in order, exactly the publishes never confirmed', async () => {
    const publisher = newPublisher();
    const first = await attached(publisher);
    const outcome = publishAll(publisher, ['a', 'b', 'c', 'd']);
    first.ack(2);
    await turns();
    first.emit('close');
    // While disconnected, publishes wait.
    const later = publishAll(publisher, ['e']);
    const second = await attached(publisher);
    expect(second.sent.map((s) => s.messageId)).toEqual(['a', 'c', 'd', 'e']);
    expect(second.sent[1]).toEqual({ routingKey: '0.key.c', body: '{"id":"c"}', messageId: 'c' });
    // Confirms of the old channel mean nothing any more; the new channel's tags count from 1.
    first.ack(4, true);
    second.ack(1);
    second.ack(4, true);
    await turns();
    expect([...outcome.values(), ...later.values()]).toEqual(Array(5).fill('confirmed'));
  });

  it('keeps every body intact past its first thousand publishes in flight, small, multi-byte and large', async () => {
    const publisher = newPublisher(5_000);
    const channel = await attached(publisher);
    const bodies = Array.from({ length: 3_000 }, (_, i) =>
      JSON.stringify({ i, text: i % 7 === 0 ? 'ü€😀'.repeat(i) : 'x'.repeat(i % 900) }),
    );
    const settled = bodies.map((body, i) => publisher.publish(0, 'ex', '0.k', body, `m${i}`));
    channel.emit('close');
    const again = await attached(publisher);
    expect(again.sent.map((s) => s.body)).toEqual(bodies);
    again.ack(3_000, true);
    await Promise.all(settled);
  });

  it('makes callers wait past the limit of unconfirmed publishes, and lets them go on confirms', async () => {
    const publisher = newPublisher(2);
    const channel = await attached(publisher);
    const outcome = publishAll(publisher, ['a', 'b', 'c']);
    await turns();
    expect(channel.sent.map((s) => s.messageId)).toEqual(['a', 'b']);
    channel.ack(1);
    await turns();
    expect(channel.sent.map((s) => s.messageId)).toEqual(['a', 'b', 'c']);
    channel.ack(3, true);
    await turns();
    expect([...outcome.values()]).toEqual(Array(3).fill('confirmed'));
  });

  it('keeps a partition on one channel, and credits a confirm only to the channel it came on', async () => {
    const publisher = newPublisher(100, 2);
    const [c0, c1] = await attachAll(publisher);
    const partitionOf = (id: string) => Number(id[1]);
    const outcome = publishAll(publisher, ['p0a', 'p1a', 'p0b', 'p1b', 'p2a', 'p3a'], partitionOf);
    expect(c0!.sent.map((s) => s.messageId)).toEqual(['p0a', 'p0b', 'p2a']);
    expect(c1!.sent.map((s) => s.messageId)).toEqual(['p1a', 'p1b', 'p3a']);
    // Tag 1 of the second channel is p1a, never the first channel's tag 1.
    c1!.ack(1);
    await turns();
    expect(Object.fromEntries(outcome)).toEqual({ p1a: 'confirmed' });
    c0!.ack(2, true);
    c1!.nack(3);
    await turns();
    expect(Object.fromEntries(outcome)).toEqual({
      p1a: 'confirmed',
      p0a: 'confirmed',
      p0b: 'confirmed',
      p3a: 'rejected',
    });
    expect(publisher.pending).toBe(2);
    // After a reconnect each channel sends again only its own unconfirmed publishes.
    c0!.emit('close');
    c1!.emit('close');
    const [d0, d1] = await attachAll(publisher);
    expect(d0!.sent.map((s) => s.messageId)).toEqual(['p2a']);
    expect(d1!.sent.map((s) => s.messageId)).toEqual(['p1b']);
    c0!.ack(3);
    d1!.ack(1);
    await turns();
    expect(outcome.has('p2a')).toBe(false);
    expect(outcome.get('p1b')).toBe('confirmed');
    d0!.ack(1);
    await turns();
    expect(outcome.get('p2a')).toBe('confirmed');
    expect(publisher.pending).toBe(0);
  });

  it('sends every partition in publish order through back-pressure, confirms in any order and reconnects', async () => {
    const partitions = 16;
    const channels = 3;
    const publisher = newPublisher(40, channels);
    let random = 7;
    const next = (n: number) => {
      random = (Math.imul(random, 1103515245) + 12345) >>> 0;
      return (random >>> 8) % n;
    };
    let generation = await attachAll(publisher);
    const sentOn = new Map<number, number>();
    const counts = new Array<number>(partitions).fill(0);
    const confirmed = new Set<string>();
    const publishes: Promise<void>[] = [];
    for (let i = 0; i < 2_000; i++) {
      const partition = next(partitions);
      const id = `${partition}-${counts[partition]!++}`;
      publishes.push(
        publisher.publish(partition, 'ex', `${partition}.k`, '{}', id).then(() => void confirmed.add(id)),
      );
      if (i % 50 !== 49) continue;
      // Let the waiting publishers in, then confirm a random tag of a random channel, sometimes all of them.
      await turns(2);
      for (const channel of generation) {
        const tags = channel.sent.length;
        if (tags > 0) channel.ack(1 + next(tags), next(3) === 0);
      }
      if (next(8) === 0) {
        for (const channel of generation) checkOrder(channel, generation.indexOf(channel));
        for (const channel of generation) channel.emit('close');
        generation = await attachAll(publisher);
      }
    }
    for (let round = 0; publisher.pending > 0 && round < 1_000; round++) {
      await turns(2);
      for (const channel of generation) if (channel.sent.length > 0) channel.ack(channel.sent.length, true);
    }
    await Promise.all(publishes);
    for (const channel of generation) checkOrder(channel, generation.indexOf(channel));
    expect(confirmed.size).toBe(2_000);

    /** Per partition, the channel's messages are in publish order, and the partition is never on another channel. */
    function checkOrder(channel: FakeChannel, index: number) {
      const last = new Map<number, number>();
      for (const { messageId } of channel.sent) {
        const [partition, n] = messageId!.split('-').map(Number) as [number, number];
        expect(sentOn.get(partition) ?? index).toBe(index);
        sentOn.set(partition, index);
        expect(n).toBeGreaterThan(last.get(partition) ?? -1);
        last.set(partition, n);
      }
    }
  });
});
