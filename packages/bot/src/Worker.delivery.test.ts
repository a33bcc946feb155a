import type { Broker, Delivery, Handler } from '@shardwire/broker';
import { DiscordAPIError, type Rest } from '@shardwire/rest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from './commands/Command.js';
import {
  captureLogs,
  createHarness,
  envelope,
  type Harness,
  messageEnvelope,
  publishEnvelope,
} from './testing/index.js';
import { createWorker } from './Worker.js';

let harness: Harness;
afterEach(() => harness?.close());

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/** Wraps a broker so the test sees when each delivery's handler settles, i.e. when it is acked or nacked. */
function observeAcks(broker: Broker, events: string[]): Broker {
  const consume = broker.consume.bind(broker);
  broker.consume = ((group: string, patterns: string | readonly string[], handler: Handler, options) =>
    consume(
      group,
      patterns,
      async (delivery: Delivery) => {
        try {
          await handler(delivery);
          events.push(`ack ${delivery.messageId}`);
        } catch (error) {
          events.push(`nack ${delivery.messageId}`);
          throw error;
        }
      },
      options,
    )) as Broker['consume'];
  return broker;
}

/** A `!ping` bot whose first REST call fails with `error`, sent one `!ping`. */
async function pingFailingOnce(error: unknown): Promise<void> {
  harness = await createHarness();
  harness.rest.failures.push(error);
  harness.worker.command({
    name: 'ping',
    description: 'ping',
    run: (ctx) => ctx.reply('Pong!').then(() => {}),
  });
  await harness.worker.start();
  await publishEnvelope(harness.broker, messageEnvelope('!ping'));
}

describe('worker delivery', () => {
  it('acks an envelope only after its handler has finished', async () => {
    harness = await createHarness();
    const events: string[] = [];
    observeAcks(harness.broker, events);
    const gate = deferred();
    harness.worker.on('GUILD_CREATE', async (guild) => {
      events.push(`start ${guild.id}`);
      await gate.promise;
      events.push(`done ${guild.id}`);
    });
    await harness.worker.start();
    const env = envelope('GUILD_CREATE', { id: '42' });
    await publishEnvelope(harness.broker, env);
    await vi.waitFor(() => expect(events).toContain('start 42'));
    expect(events).not.toContain(`ack ${env.id}`);
    gate.resolve();
    await vi.waitFor(() => expect(events).toEqual(['start 42', 'done 42', `ack ${env.id}`]));
    expect(await harness.broker.deadLetters.list()).toEqual([]);
  });

  it('nacks a failing envelope, which is redelivered and then handled', async () => {
    harness = await createHarness();
    const events: string[] = [];
    observeAcks(harness.broker, events);
    let calls = 0;
    harness.worker.on('GUILD_CREATE', () => {
      calls++;
      if (calls === 1) throw new Error('cache unreachable');
    });
    await harness.worker.start();
    const env = envelope('GUILD_CREATE', { id: '1' });
    await publishEnvelope(harness.broker, env);
    await vi.waitFor(() => expect(events).toEqual([`nack ${env.id}`, `ack ${env.id}`]));
    expect(calls).toBe(2);
    const warning = harness.logs.find((l) => l.msg.includes('will be redelivered'));
    expect(warning).toMatchObject({ envelopeId: env.id, t: 'GUILD_CREATE', delivery: 1, maxDeliveries: 5 });
    expect(await harness.broker.deadLetters.list()).toEqual([]);
  });

  it('stops redelivering after maxDeliveries and logs the dead letter', async () => {
    harness = await createHarness({ maxDeliveries: 3 });
    let calls = 0;
    harness.worker.on('GUILD_CREATE', () => {
      calls++;
      throw new Error(`attempt ${calls} failed`);
    });
    await harness.worker.start();
    const env = envelope('GUILD_CREATE', { id: '1' });
    await publishEnvelope(harness.broker, env);
    await vi.waitFor(async () => expect(await harness.broker.deadLetters.list()).toHaveLength(1));
    expect(calls).toBe(3);
    const [dead] = await harness.broker.deadLetters.list();
    expect(dead).toMatchObject({ group: harness.worker.group, messageId: env.id, deliveries: 3 });
    const warnings = harness.logs.filter((l) => l.level === 40);
    const errors = harness.logs.filter((l) => l.level === 50);
    expect(warnings.map((l) => l.delivery)).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'envelope dead-lettered after 3 failed deliveries',
      envelopeId: env.id,
      delivery: 3,
      err: { message: 'attempt 3 failed' },
    });
  });

  it('dead-letters at once when Discord refuses the request (4xx)', async () => {
    await pingFailingOnce(
      new DiscordAPIError(403, 50013, 'Missing Permissions', 'POST', '/channels/3/messages'),
    );
    await vi.waitFor(async () => expect(await harness.broker.deadLetters.list()).toHaveLength(1));
    expect(harness.rest.requests).toHaveLength(1);
    expect(harness.logs.find((l) => l.level === 50)?.msg).toBe(
      'envelope dead-lettered after it can never succeed',
    );
  });

  it('retries a Discord 5xx', async () => {
    await pingFailingOnce(new DiscordAPIError(502, 0, 'Bad Gateway', 'POST', '/channels/3/messages'));
    await vi.waitFor(() => expect(harness.rest.requests).toHaveLength(2));
    expect(harness.rest.contents).toEqual(['Pong!', 'Pong!']);
    // The retried post carries the same nonce, so Discord creates the message once.
    const [first, second] = harness.rest.requests.map((r) => (r.body as { nonce: string }).nonce);
    expect(first).toBe(second);
    expect(await harness.broker.deadLetters.list()).toEqual([]);
  });

  it('dead-letters a malformed envelope at once', async () => {
    harness = await createHarness();
    const handler = vi.fn();
    harness.worker.on('GUILD_CREATE', handler);
    await harness.worker.start();
    await harness.broker.publish('events.GUILD_CREATE', { nonsense: true }, { messageId: 'bad-1' });
    await vi.waitFor(async () => expect(await harness.broker.deadLetters.list()).toHaveLength(1));
    expect(handler).not.toHaveBeenCalled();
    expect(harness.logs.find((l) => l.level === 50)).toMatchObject({ envelopeId: 'bad-1', delivery: 1 });
  });

  it('re-runs only the handlers that failed when an envelope is redelivered', async () => {
    harness = await createHarness();
    const first = vi.fn();
    let secondCalls = 0;
    harness.worker.on('MESSAGE_CREATE', first);
    harness.worker.on('MESSAGE_CREATE', () => {
      if (++secondCalls === 1) throw new Error('flaky');
    });
    await harness.worker.start();
    await publishEnvelope(harness.broker, messageEnvelope('hello'));
    await vi.waitFor(() => expect(secondCalls).toBe(2));
    await harness.worker.stop();
    expect(first).toHaveBeenCalledTimes(1);
  });

  it('handles an envelope delivered twice (same id) once', async () => {
    harness = await createHarness();
    const seen: string[] = [];
    harness.worker.on('GUILD_CREATE', (guild) => {
      seen.push(guild.id);
    });
    await harness.worker.start();
    const env = envelope('GUILD_CREATE', { id: '7' });
    await publishEnvelope(harness.broker, env);
    await publishEnvelope(harness.broker, env);
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '8' }));
    await vi.waitFor(() => expect(seen).toContain('8'));
    await harness.worker.stop();
    expect(seen.sort()).toEqual(['7', '8']);
  });

  it('finishes handlers in flight on stop()', async () => {
    harness = await createHarness();
    const gate = deferred();
    let started = false;
    let finished = false;
    harness.worker.on('GUILD_CREATE', async () => {
      started = true;
      await gate.promise;
      finished = true;
    });
    await harness.worker.start();
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: '1' }));
    await vi.waitFor(() => expect(started).toBe(true));
    let stopped = false;
    const stopping = harness.worker.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(finished).toBe(true);
    expect(harness.worker.running).toBe(false);
  });

  it('aborts handlers still running after the stop grace period; their envelope goes back to the group', async () => {
    let waiting = 0;
    const hanging: Rest = {
      request: (request) => {
        waiting++;
        return new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(request.signal?.reason)),
        );
      },
    };
    harness = await createHarness({ rest: hanging });
    const echo = {
      name: 'echo',
      description: 'echo',
      run: (ctx: CommandContext) => ctx.reply(ctx.argText).then(() => {}),
    };
    harness.worker.command(echo);
    await harness.worker.start();
    await publishEnvelope(harness.broker, messageEnvelope('!echo again'));
    await vi.waitFor(() => expect(waiting).toBe(1));
    await harness.worker.stop({ graceMs: 0 });
    expect(harness.logs.some((l) => l.msg.includes('aborting them'))).toBe(true);
    expect(harness.logs.find((l) => l.msg.includes('will be redelivered'))?.err).toMatchObject({
      message: 'worker stopping: handler cut short after 0 ms',
    });

    // Another worker of the group picks the envelope up and answers it.
    const next = createWorker({
      broker: harness.broker,
      rest: harness.rest,
      cache: harness.cache.asCache(),
      group: harness.worker.group,
      logger: captureLogs().logger,
    });
    next.command(echo);
    await next.start();
    await vi.waitFor(() => expect(harness.rest.contents).toEqual(['again']));
    await next.stop();
  });

  it('answers every message posted while it was stopped, once each, after start()', async () => {
    harness = await createHarness({ prefetch: 16 });
    harness.worker.command({
      name: 'echo',
      description: 'echo',
      run: (ctx) => ctx.reply(ctx.argText).then(() => {}),
    });
    await harness.worker.start();
    for (let i = 0; i < 10; i++) await publishEnvelope(harness.broker, messageEnvelope(`!echo before-${i}`));
    await vi.waitFor(() => expect(harness.rest.requests).toHaveLength(10));
    await harness.worker.stop();

    for (let i = 0; i < 1000; i++) await publishEnvelope(harness.broker, messageEnvelope(`!echo while-${i}`));
    expect(harness.rest.requests).toHaveLength(10);

    await harness.worker.start();
    await vi.waitFor(() => expect(harness.rest.requests.length).toBeGreaterThanOrEqual(1010), {
      timeout: 20_000,
    });
    await harness.worker.stop();
    const answers = harness.rest.contents;
    expect(answers).toHaveLength(1010);
    expect(new Set(answers).size).toBe(1010);
    for (let i = 0; i < 1000; i++) expect(answers).toContain(`while-${i}`);
  });
});
