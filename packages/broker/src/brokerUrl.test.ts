import { describe, expect, it } from 'vitest';
import { parseBrokerUrl } from './brokerUrl.js';

describe('parseBrokerUrl', () => {
  it('takes shardwire parameters out of the client URL', () => {
    const options = parseBrokerUrl(
      'amqp://u:secret@rabbit:5672/vh?prefix=bot1&partitions=8&publishChannels=4&heartbeat=10',
    );
    expect(options).toMatchObject({
      prefix: 'bot1',
      partitions: 8,
      publishBuffer: 10_000,
      publishChannels: 4,
      display: 'rabbit:5672',
    });
    expect(options.clientUrl).toBe('amqp://u:secret@rabbit:5672/vh?heartbeat=10');
  });

  it('has defaults', () => {
    expect(parseBrokerUrl('nats://127.0.0.1:4222')).toMatchObject({
      prefix: 'shardwire',
      partitions: 16,
      publishChannels: 2,
    });
  });

  it.each([
    ['amqp://h?partitions=0', /partitions/],
    ['amqp://h?publishBuffer=x', /publishBuffer/],
    ['amqp://h?publishChannels=0', /publishChannels/],
    ['amqp://h?prefix=a.b', /prefix/],
    ['::nope', /not a valid URL/],
  ])('refuses %s', (url, message) => {
    expect(() => parseBrokerUrl(url)).toThrow(message);
  });

  it('never repeats a password in an error', () => {
    expect(() => parseBrokerUrl('amqp://u:hunter2@h?partitions=0')).toThrow(/^(?!.*hunter2)/);
  });
});
