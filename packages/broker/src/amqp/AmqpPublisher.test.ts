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

async function attached(publisher: AmqpPublisher): Promise<FakeChannel> {
  const channel = new FakeChannel();
  const model = { createConfirmChannel: async () => channel as unknown as ConfirmChannel };
  await publisher.attach(model as unknown as ChannelModel);
  return channel;
}

/** Publishes `ids` and records how each one settles. */
function publishAll(publisher: AmqpPublisher, ids: string[]) {
  const outcome = new Map<string, string>();
  for (const id of ids)
    publisher.publish('ex', `0.key.${id}`, JSON.stringify({ id }), id).then(
      () => outcome.set(id, 'confirmed'),
      (error: Error) => outcome.set(id, error instanceof PublishRejectedError ? 'rejected' : error.name),
    );
  return outcome;
}

const newPublisher = (limit = 100) =>
  new AmqpPublisher(limit, createBrokerMetrics('amqp', undefined), undefined, () => {});

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
    const settled = bodies.map((body, i) => publisher.publish('ex', '0.k', body, `m${i}`));
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
});
