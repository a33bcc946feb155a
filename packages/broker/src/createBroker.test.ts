import { describe, expect, it } from 'vitest';
import { createBroker, schemeOf } from './createBroker.js';
import { MemoryBroker } from './memory/MemoryBroker.js';

describe('createBroker', () => {
  it('picks the memory backend for memory:', async () => {
    const broker = await createBroker('memory:');
    expect(broker).toBeInstanceOf(MemoryBroker);
    await broker.close();
  });

  it.each([
    ['memory:', 'memory:'],
    ['AMQP://guest:guest@host:5672', 'amqp:'],
    ['amqps://h', 'amqps:'],
    ['nats://127.0.0.1:4222', 'nats:'],
  ])('reads the scheme of %s', (url, scheme) => {
    expect(schemeOf(url)).toBe(scheme);
  });

  it('names the variable and the schemes it accepts for an unknown scheme, without echoing secrets', async () => {
    const error = await createBroker('kafka://user:hunter2@h').catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/BROKER_URL/);
    expect((error as Error).message).toMatch(/memory:/);
    expect((error as Error).message).not.toMatch(/hunter2/);
    await expect(createBroker('not a url')).rejects.toThrow(/BROKER_URL/);
  });
});
