import { GatewayDispatchEvents } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, envelope, type Harness, messageEnvelope, publishEnvelope } from './testing/index.js';

let harness: Harness;
afterEach(() => harness?.close());

describe('worker hooks and lifecycle', () => {
  it('runs raw hooks first, then listeners, then commands, each in registration order', async () => {
    harness = await createHarness();
    const order: string[] = [];
    harness.worker
      .command({ name: 'ping', description: 'ping', run: () => void order.push('command ping') })
      .on('MESSAGE_CREATE', () => void order.push('listener 1'))
      .raw((env) => void order.push(`raw 1 ${env.t}`))
      .on('MESSAGE_CREATE', () => void order.push('listener 2'))
      .raw((env) => void order.push(`raw 2 ${env.t}`));
    await harness.worker.start();
    await publishEnvelope(harness.broker, messageEnvelope('!ping'));
    await vi.waitFor(() => expect(order).toHaveLength(5));
    expect(order).toEqual([
      'raw 1 MESSAGE_CREATE',
      'raw 2 MESSAGE_CREATE',
      'listener 1',
      'listener 2',
      'command ping',
    ]);
  });

  it('shows raw hooks every event, including those nobody listens to', async () => {
    harness = await createHarness();
    const seen: string[] = [];
    harness.worker.raw((env) => void seen.push(env.t));
    expect(harness.worker.patterns()).toEqual(['events.#']);
    await harness.worker.start();
    await publishEnvelope(harness.broker, envelope('TYPING_START', { channel_id: '1' }));
    await publishEnvelope(harness.broker, envelope('SOMETHING_NEW', {}));
    await vi.waitFor(() => expect(seen.sort()).toEqual(['SOMETHING_NEW', 'TYPING_START']));
  });

  it('does not run later handlers when a raw hook throws', async () => {
    harness = await createHarness({ maxDeliveries: 1 });
    const listener = vi.fn();
    harness.worker
      .raw(() => {
        throw new Error('raw failed');
      })
      .on('GUILD_CREATE', listener);
    await harness.worker.start();
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '1' }));
    await vi.waitFor(async () => expect(await harness.broker.deadLetters.list()).toHaveLength(1));
    expect(listener).not.toHaveBeenCalled();
  });

  it('consumes only the events it handles', async () => {
    harness = await createHarness();
    expect(harness.worker.patterns()).toEqual([]);
    harness.worker.on(GatewayDispatchEvents.GuildCreate, () => {});
    expect(harness.worker.patterns()).toEqual(['events.GUILD_CREATE']);
    harness.worker.command({ name: 'ping', description: 'ping', run: () => {} });
    harness.worker.on('GUILD_DELETE', () => {});
    expect(harness.worker.patterns()).toEqual([
      'events.GUILD_CREATE',
      'events.GUILD_DELETE',
      'events.MESSAGE_CREATE',
    ]);
  });

  it('passes the raw payload and a typed context to listeners', async () => {
    harness = await createHarness();
    const got: unknown[] = [];
    harness.worker.on('MESSAGE_CREATE', (message, ctx) => {
      // Compile-time: `message` is Discord's MESSAGE_CREATE payload and `ctx.reply` exists.
      got.push(message.content, message.author.id, typeof ctx.reply, ctx.envelope.t, ctx.deliveryCount);
    });
    harness.worker.on('GUILD_CREATE', (guild, ctx) => {
      got.push(guild.id, 'reply' in ctx);
    });
    await harness.worker.start();
    await publishEnvelope(harness.broker, messageEnvelope('hello'));
    await vi.waitFor(() => expect(got).toHaveLength(5));
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '9' }));
    await vi.waitFor(() => expect(got).toHaveLength(7));
    expect(got).toEqual(['hello', '400000000000000004', 'function', 'MESSAGE_CREATE', 1, '9', false]);
  });

  it('declares its group so envelopes published before the first start() wait for it', async () => {
    harness = await createHarness();
    const seen: string[] = [];
    harness.worker.on('GUILD_CREATE', (guild) => void seen.push(guild.id));
    await harness.worker.declare();
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '1' }));
    await harness.worker.start();
    await vi.waitFor(() => expect(seen).toEqual(['1']));
  });

  it('refuses to start with no handlers, or to change handlers while running', async () => {
    harness = await createHarness();
    await expect(harness.worker.start()).rejects.toThrow(/no handlers/);
    harness.worker.on('GUILD_CREATE', () => {});
    await harness.worker.start();
    expect(harness.worker.running).toBe(true);
    expect(() => harness.worker.on('GUILD_DELETE', () => {})).toThrow(/before start/);
    expect(() => harness.worker.command({ name: 'x', description: '', run: () => {} })).toThrow(
      /before start/,
    );
    await harness.worker.stop();
    expect(harness.worker.running).toBe(false);
    harness.worker.on('GUILD_DELETE', () => {});
    expect(harness.worker.patterns()).toEqual(['events.GUILD_CREATE', 'events.GUILD_DELETE']);
  });

  it('starts once when start() is called twice, and stop() is safe to repeat', async () => {
    harness = await createHarness();
    const seen: string[] = [];
    harness.worker.on('GUILD_CREATE', (guild) => void seen.push(guild.id));
    await Promise.all([harness.worker.start(), harness.worker.start()]);
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '1' }));
    await vi.waitFor(() => expect(seen).toEqual(['1']));
    await harness.worker.stop();
    await harness.worker.stop();
    expect(harness.logs.filter((l) => l.msg === 'worker started')).toHaveLength(1);
  });

  it('rejects bad options', async () => {
    harness = await createHarness();
    const { createWorker } = await import('./Worker.js');
    expect(() => createWorker({} as never)).toThrow(/needs \{ broker, rest, cache \}/);
    expect(() => createWorker({ ...minimal(), maxDeliveries: 0 })).toThrow(RangeError);
  });
});

function minimal() {
  return { broker: harness.broker, rest: harness.rest, cache: harness.cache.asCache() };
}
