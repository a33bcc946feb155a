import type { JetStreamClient, PubAck } from 'nats';
import { describe, expect, it } from 'vitest';
import { createBrokerMetrics } from '../metrics.js';
import { turns } from '../testing/helpers.js';
import { MAX_IN_FLIGHT, NatsPublisher, RESEND_WINDOW_MS } from './NatsPublisher.js';

/** A JetStream client that records what is sent and acknowledges each publish at once. */
function fakeJetStream() {
  const sent: string[] = [];
  let seq = 0;
  const js = {
    publish: async (_subject: string, _data: Uint8Array, options: { msgID: string }) => {
      sent.push(options.msgID);
      return { stream: 's', seq: ++seq, duplicate: false } as PubAck;
    },
  } as unknown as JetStreamClient;
  return { js, sent };
}

describe('NatsPublisher', () => {
  it('sends again, with the same ids, the publishes confirmed just before the connection was lost', async () => {
    const { js, sent } = fakeJetStream();
    let now = 0;
    const publisher = new NatsPublisher(
      js,
      100,
      createBrokerMetrics('nats', undefined),
      undefined,
      () => now,
    );
    const data = new Uint8Array([1]);
    await publisher.publish('a', data, 'old', undefined, 'k');
    now += RESEND_WINDOW_MS + 1;
    await publisher.publish('a', data, 'm1', undefined, 'k');
    await publisher.publish('a', data, 'm2', undefined, 'k');
    expect(sent).toEqual(['old', 'm1', 'm2']);

    publisher.connectionLost();
    await turns();
    // Only the recent ones, in publish order; the one older than the window is not sent again.
    expect(sent).toEqual(['old', 'm1', 'm2', 'm1', 'm2']);
    // Confirmed again, they are kept for a second drop of the connection too.
    publisher.connectionLost();
    await turns();
    expect(sent).toEqual(['old', 'm1', 'm2', 'm1', 'm2', 'm1', 'm2']);
    await publisher.drain(1_000);
    expect(publisher.pending).toBe(0);
  });

  it('keeps at most its buffer size of confirmed publishes to send again', async () => {
    const { js, sent } = fakeJetStream();
    const publisher = new NatsPublisher(js, 2, createBrokerMetrics('nats', undefined), undefined, () => 0);
    for (const id of ['a', 'b', 'c']) await publisher.publish('s', new Uint8Array(), id, undefined, 'k');
    publisher.connectionLost();
    await turns();
    expect(sent).toEqual(['a', 'b', 'c', 'b', 'c']);
    await publisher.drain(1_000);
  });

  it('past its buffer, sends held publishes in call order, before any later publish', async () => {
    const sent: string[] = [];
    const acks: (() => void)[] = [];
    const js = {
      publish: (_subject: string, _data: Uint8Array, options: { msgID: string }) => {
        sent.push(options.msgID);
        return new Promise<PubAck>((resolve) => acks.push(() => resolve({ stream: 's', seq: 1 } as PubAck)));
      },
    } as unknown as JetStreamClient;
    const publisher = new NatsPublisher(js, 2, createBrokerMetrics('nats', undefined), undefined, () => 0);
    const data = new Uint8Array();
    // Fill what may be in flight, then the buffer (2), then hold 3 more.
    const ids = Array.from({ length: MAX_IN_FLIGHT + 5 }, (_, i) => `m${i}`);
    const settled = ids.map((id) => publisher.publish('s', data, id, undefined, 'k'));
    expect(sent).toHaveLength(MAX_IN_FLIGHT);
    // A publish made as soon as the first one is confirmed comes after every held one.
    const late = settled[0]!.then(() => publisher.publish('s', data, 'late', undefined, 'k'));
    while (sent.length < ids.length + 1) {
      acks.shift()!();
      await turns(1);
    }
    expect(sent).toEqual([...ids, 'late']);
    for (const ack of acks.splice(0)) ack();
    await Promise.all([...settled, late]);
    expect(publisher.pending).toBe(0);
  });
});
