/**
 * The contract every `Broker` backend keeps (Broker.ts, issue 7). Each backend's test file calls
 * `runBrokerContract(name, makeBroker)`; `makeBroker(namespace)` returns a broker whose queues,
 * streams and dead letters live under `namespace`, so tests on a shared server never meet.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type Broker, type Delivery, PoisonMessageError, type Subscription } from '../Broker.js';
import { NoRespondersError, PublishRejectedError, RemoteError, RequestTimeoutError } from '../errors.js';
import { gate, randomName, turns, waitFor } from './helpers.js';

export interface ContractOptions {
  /** Removes what a test left on a real server (queues, exchanges, streams) after its brokers closed. */
  cleanup?: (namespace: string) => Promise<void>;
}

export function runBrokerContract(
  name: string,
  makeBroker: (namespace: string) => Promise<Broker>,
  options: ContractOptions = {},
): void {
  describe(`Broker contract: ${name}`, () => {
    const opened: Broker[] = [];
    let namespace = randomName('ns');

    async function open(): Promise<Broker> {
      const broker = await makeBroker(namespace);
      opened.push(broker);
      return broker;
    }

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
      await options.cleanup?.(namespace);
      namespace = randomName('ns');
    });

    it('keeps messages for a declared group until a consumer comes, with body, id, headers and key', async () => {
      const broker = await open();
      await broker.declareGroup('g', 'events.*');
      for (let i = 0; i < 3; i++)
        await broker.publish(
          'events.TEST',
          { i, text: 'é ✓' },
          { messageId: `m${i}`, headers: { h: `v${i}` } },
        );
      const got: Delivery<{ i: number; text: string }>[] = [];
      await broker.consume<{ i: number; text: string }>('g', 'events.*', (d) => void got.push(d), {
        prefetch: 1,
      });
      await waitFor(() => got.length === 3, 'three deliveries');
      expect(got.map((d) => d.body)).toEqual([0, 1, 2].map((i) => ({ i, text: 'é ✓' })));
      expect(got.map((d) => d.messageId)).toEqual(['m0', 'm1', 'm2']);
      expect(got.map((d) => d.headers.h)).toEqual(['v0', 'v1', 'v2']);
      expect(got.every((d) => d.routingKey === 'events.TEST' && d.deliveryCount === 1)).toBe(true);
    });

    it('routes by AMQP topic patterns: * is one word, # zero or more', async () => {
      const broker = await open();
      const groups: Record<string, string[]> = {
        star: ['events.*'],
        hash: ['events.#'],
        exact: ['events.MESSAGE_CREATE'],
        multi: ['gateway.commands.*', 'x.#'],
      };
      const seen: Record<string, string[]> = {};
      for (const [group, patterns] of Object.entries(groups)) {
        seen[group] = [];
        await broker.consume(
          group,
          [...patterns, `sentinel.${group}`],
          (d) => void seen[group]!.push(d.routingKey),
          {
            prefetch: 1,
          },
        );
      }
      for (const key of [
        'events.MESSAGE_CREATE',
        'events.GUILD_CREATE',
        'events.a.b',
        'events',
        'gateway.commands.3',
        'x',
        'x.y.z',
        'other',
      ])
        await broker.publish(key, { key });
      for (const group of Object.keys(groups)) await broker.publish(`sentinel.${group}`, {});
      await waitFor(() => Object.keys(groups).every((g) => seen[g]!.includes(`sentinel.${g}`)), 'sentinels');
      const sorted = (g: string) => seen[g]!.filter((k) => !k.startsWith('sentinel.')).sort();
      expect(sorted('star')).toEqual(['events.GUILD_CREATE', 'events.MESSAGE_CREATE']);
      expect(sorted('hash')).toEqual([
        'events',
        'events.GUILD_CREATE',
        'events.MESSAGE_CREATE',
        'events.a.b',
      ]);
      expect(sorted('exact')).toEqual(['events.MESSAGE_CREATE']);
      expect(sorted('multi')).toEqual(['gateway.commands.3', 'x', 'x.y.z']);
    });

    it('shares a group between its consumers by who is free, each message handled once', async () => {
      const broker = await open();
      const held = gate();
      const byConsumer: [string[], string[]] = [[], []];
      const subs: Subscription[] = [];
      for (const who of [0, 1] as const)
        subs.push(
          await broker.consume<{ n: number }>(
            'shared',
            'work.*',
            async (d) => {
              byConsumer[who].push(d.messageId!);
              await held.promise;
            },
            { prefetch: 1 },
          ),
        );
      await broker.publish('work.a', { n: 0 }, { messageId: 'first' });
      await broker.publish('work.a', { n: 1 }, { messageId: 'second' });
      await waitFor(() => byConsumer[0].length === 1 && byConsumer[1].length === 1, 'one message each');
      held.open();
      const ids = Array.from({ length: 20 }, (_, i) => `more${i}`);
      await Promise.all(ids.map((id) => broker.publish('work.b', {}, { messageId: id })));
      await waitFor(() => byConsumer[0].length + byConsumer[1].length === 22, '22 deliveries');
      const all = [...byConsumer[0], ...byConsumer[1]].sort();
      expect(all).toEqual(['first', 'second', ...ids].sort());
    });

    it('gives every group every message', async () => {
      const broker = await open();
      const seen = { a: [] as number[], b: [] as number[] };
      await broker.consume<number>('ga', 'fan.#', (d) => void seen.a.push(d.body));
      await broker.consume<number>('gb', 'fan.*', (d) => void seen.b.push(d.body));
      await Promise.all(Array.from({ length: 10 }, (_, i) => broker.publish('fan.out', i)));
      await waitFor(() => seen.a.length === 10 && seen.b.length === 10, 'ten each');
      expect(seen.a.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
      expect(seen.b.sort((x, y) => x - y)).toEqual([...Array(10).keys()]);
    });

    it('never holds more unacknowledged messages than the prefetch', async () => {
      const broker = await open();
      const gates: (() => void)[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      let done = 0;
      await broker.consume(
        'pf',
        'pf.x',
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise<void>((resolve) => gates.push(resolve));
          inFlight--;
          done++;
        },
        { prefetch: 3 },
      );
      await Promise.all(Array.from({ length: 10 }, (_, i) => broker.publish('pf.x', i)));
      await waitFor(() => gates.length === 3, 'three in flight');
      while (done < 10) {
        await turns(5);
        gates.shift()?.();
        await waitFor(() => gates.length > 0 || done === 10, 'next delivery');
      }
      expect(maxInFlight).toBe(3);
    });

    it('redelivers a message whose handler threw, counting deliveries', async () => {
      const broker = await open();
      const attempts: number[] = [];
      let handled = 0;
      await broker.consume<{ v: string }>('retry', 'r.x', (d) => {
        attempts.push(d.deliveryCount);
        if (d.deliveryCount === 1) throw new Error('transient');
        expect(d.body).toEqual({ v: 'x' });
        expect(d.messageId).toBe('retry-1');
        handled++;
      });
      await broker.publish('r.x', { v: 'x' }, { messageId: 'retry-1' });
      await waitFor(() => handled === 1, 'handled after a retry');
      expect(attempts).toEqual([1, 2]);
      expect(await broker.deadLetters.list()).toEqual([]);
    });

    it('dead-letters a message after maxDeliveries failures, with the reason; replays and purges', async () => {
      const broker = await open();
      let calls = 0;
      let healthy = false;
      const handled: string[] = [];
      await broker.consume<{ n: number }>(
        'dlq',
        'd.*',
        (d) => {
          calls++;
          if (!healthy) throw new Error(`boom ${d.body.n}`);
          handled.push(d.messageId!);
        },
        { maxDeliveries: 3 },
      );
      await broker.publish('d.one', { n: 7 }, { messageId: 'dead-1' });
      await waitFor(async () => (await broker.deadLetters.list()).length === 1, 'a dead letter');
      const [letter] = await broker.deadLetters.list({ group: 'dlq' });
      expect(letter).toMatchObject({
        group: 'dlq',
        routingKey: 'd.one',
        body: { n: 7 },
        messageId: 'dead-1',
        deliveries: 3,
      });
      expect(letter!.reason).toContain('boom 7');
      expect(typeof letter!.id).toBe('string');
      expect(letter!.deadAt).toBeGreaterThan(0);
      expect(calls).toBe(3);
      expect(await broker.deadLetters.list({ group: 'other' })).toEqual([]);

      healthy = true;
      expect(await broker.deadLetters.replay({ group: 'dlq' })).toBe(1);
      await waitFor(() => handled.length === 1, 'the replayed message handled');
      expect(handled).toEqual(['dead-1']);
      expect(await broker.deadLetters.list()).toEqual([]);

      healthy = false;
      await broker.publish('d.two', { n: 8 });
      await broker.publish('d.two', { n: 9 });
      await waitFor(
        async () => (await broker.deadLetters.list({ group: 'dlq' })).length === 2,
        'two dead letters',
      );
      expect(await broker.deadLetters.list({ group: 'dlq', limit: 1 })).toHaveLength(1);
      expect(await broker.deadLetters.purge({ group: 'dlq' })).toBe(2);
      expect(await broker.deadLetters.list()).toEqual([]);
    });

    it('dead-letters at once on PoisonMessageError', async () => {
      const broker = await open();
      let calls = 0;
      await broker.consume('poison', 'p.x', () => {
        calls++;
        throw new PoisonMessageError('cannot parse');
      });
      await broker.publish('p.x', { bad: true }, { messageId: 'p1' });
      await waitFor(async () => (await broker.deadLetters.list()).length === 1, 'a dead letter');
      const [letter] = await broker.deadLetters.list();
      expect(letter).toMatchObject({ group: 'poison', deliveries: 1, messageId: 'p1', body: { bad: true } });
      expect(letter!.reason).toContain('cannot parse');
      expect(calls).toBe(1);
    });

    it('replays only the dead letters asked for by id', async () => {
      const broker = await open();
      const ok = new Set<string>();
      const handled: string[] = [];
      await broker.consume('ids', 'i.x', (d) => {
        if (!ok.has(d.messageId!)) throw new PoisonMessageError('no');
        handled.push(d.messageId!);
      });
      await broker.publish('i.x', 1, { messageId: 'a' });
      await broker.publish('i.x', 2, { messageId: 'b' });
      await waitFor(async () => (await broker.deadLetters.list()).length === 2, 'two dead letters');
      const letters = await broker.deadLetters.list();
      const b = letters.find((l) => l.messageId === 'b')!;
      ok.add('b');
      expect(await broker.deadLetters.replay({ ids: [b.id] })).toBe(1);
      await waitFor(() => handled.length === 1, 'b handled');
      expect(handled).toEqual(['b']);
      expect((await broker.deadLetters.list()).map((l) => l.messageId)).toEqual(['a']);
    });

    it('closing a subscription waits for its handler; the acked message is not redelivered', async () => {
      const broker = await open();
      const held = gate();
      const firstSeen: string[] = [];
      const sub = await broker.consume('closing', 'c.x', async (d) => {
        firstSeen.push(d.messageId!);
        await held.promise;
      });
      await broker.publish('c.x', {}, { messageId: 'one' });
      await waitFor(() => firstSeen.length === 1, 'delivery');
      let closed = false;
      const closing = sub.close().then(() => (closed = true));
      await turns(20);
      expect(closed).toBe(false);
      held.open();
      await closing;
      const later: string[] = [];
      await broker.consume('closing', 'c.x', (d) => void later.push(d.messageId!));
      await broker.publish('c.x', {}, { messageId: 'two' });
      await waitFor(() => later.includes('two'), 'second message');
      expect(later).toEqual(['two']);
    });

    it('a message nacked while its consumer closes goes to another consumer of the group', async () => {
      const broker = await open();
      const held = gate();
      let firstGot = false;
      const sub = await broker.consume('handover', 'h.x', async () => {
        firstGot = true;
        await held.promise;
        throw new Error('shutting down');
      });
      await broker.publish('h.x', { v: 1 }, { messageId: 'h1' });
      await waitFor(() => firstGot, 'first consumer has it');
      const closing = sub.close();
      const other: Delivery[] = [];
      await broker.consume('handover', 'h.x', (d) => void other.push(d));
      held.open();
      await closing;
      await waitFor(() => other.length === 1, 'redelivery to the other consumer');
      expect(other[0]).toMatchObject({ messageId: 'h1', body: { v: 1 }, deliveryCount: 2 });
    });

    it('keeps publish order per partition key in an ordered group while keys run in parallel', async () => {
      const broker = await open();
      const seen = new Map<string, number[]>();
      let inFlight = 0;
      let maxInFlight = 0;
      let failedOnce = false;
      let handled = 0;
      await broker.consume<{ key: string; n: number }>(
        'ordered',
        'o.*',
        async (d) => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            await turns(1 + ((d.body.n * 7) % 5));
            if (d.body.key === 'k2' && d.body.n === 7 && !failedOnce) {
              failedOnce = true;
              throw new Error('once');
            }
            const list = seen.get(d.body.key) ?? [];
            list.push(d.body.n);
            seen.set(d.body.key, list);
            handled++;
          } finally {
            inFlight--;
          }
        },
        { ordered: true, prefetch: 16 },
      );
      const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
      await Promise.all(
        Array.from({ length: 100 }, (_, i) => {
          const key = keys[i % 5]!;
          return broker.publish(
            'o.e',
            { key, n: Math.floor(i / 5) },
            { partitionKey: key, messageId: `o${i}` },
          );
        }),
      );
      await waitFor(() => handled === 100, '100 handled');
      for (const key of keys) expect(seen.get(key)).toEqual([...Array(20).keys()]);
      expect(failedOnce).toBe(true);
      expect(maxInFlight).toBeGreaterThan(1);
    });

    it('answers a request from one responder, and carries a responder error back', async () => {
      const broker = await open();
      const calls: string[] = [];
      await broker.respond<{ a: number; b: number }, { sum: number }>('math.add', ({ a, b }) => {
        calls.push('r1');
        return { sum: a + b };
      });
      await broker.respond<{ a: number; b: number }, { sum: number }>('math.add', async ({ a, b }) => {
        calls.push('r2');
        return { sum: a + b };
      });
      const sums = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          broker.request<{ a: number; b: number }, { sum: number }>('math.add', { a: i, b: 10 }),
        ),
      );
      expect(sums.map((s) => s.sum)).toEqual([10, 11, 12, 13, 14, 15]);
      expect(calls).toHaveLength(6);
      await broker.respond('math.fail', () => {
        throw new Error('division by zero');
      });
      const failure = await broker.request('math.fail', {}).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(RemoteError);
      expect((failure as Error).message).toContain('division by zero');
    });

    it('rejects a request that nobody answers, or that times out', async () => {
      const broker = await open();
      const none = await broker.request('nobody.here', {}, { timeoutMs: 1_000 }).catch((e: unknown) => e);
      expect(none instanceof NoRespondersError || none instanceof RequestTimeoutError).toBe(true);
      const held = gate();
      await broker.respond('slow.op', async () => {
        await held.promise;
        return 1;
      });
      const slow = await broker.request('slow.op', {}, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(RequestTimeoutError);
      held.open();
    });

    it('broadcasts to every responder and gathers the replies within the timeout', async () => {
      const broker = await open();
      const held = gate();
      const subs = [
        await broker.respond<string, string>('nodes.count', (q) => `a:${q}`),
        await broker.respond<string, string>('nodes.count', async (q) => `b:${q}`),
        await broker.respond<string, string>('nodes.count', async () => {
          await held.promise;
          return 'late';
        }),
      ];
      const replies = await broker.broadcast<string, string>('nodes.count', 'q', { timeoutMs: 500 });
      expect(replies.sort()).toEqual(['a:q', 'b:q']);
      held.open();
      await subs[2]!.close();
      const again = await broker.broadcast<string, string>('nodes.count', 'z', { timeoutMs: 2_000 });
      expect(again.sort()).toEqual(['a:z', 'b:z']);
      expect(await broker.broadcast('nobody.at.all', 1, { timeoutMs: 200 })).toEqual([]);
    });

    it('refuses a publish when a group is at its maxLength, and drops nothing', async () => {
      const broker = await open();
      await broker.declareGroup('bounded', 'b.x', { maxLength: 3 });
      for (let i = 0; i < 3; i++) await broker.publish('b.x', i);
      const refused = await broker.publish('b.x', 3).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(PublishRejectedError);
      const got: number[] = [];
      await broker.consume<number>('bounded', 'b.x', (d) => void got.push(d.body), { maxLength: 3 });
      await waitFor(() => got.length === 3, 'three');
      await broker.publish('b.x', 4);
      await waitFor(() => got.length === 4, 'four');
      expect(got.sort()).toEqual([0, 1, 2, 4]);
    });

    it('dead-letters a message that waited longer than maxAgeMs instead of dropping it', async () => {
      const broker = await open();
      await broker.declareGroup('aged', 'a.x', { maxAgeMs: 100 });
      await broker.publish('a.x', { old: true }, { messageId: 'old' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const got: unknown[] = [];
      await broker.consume('aged', 'a.x', (d) => void got.push(d.body), { maxAgeMs: 100 });
      await waitFor(
        async () => (await broker.deadLetters.list({ group: 'aged' })).length === 1,
        'expired letter',
      );
      const [letter] = await broker.deadLetters.list({ group: 'aged' });
      expect(letter).toMatchObject({ messageId: 'old', body: { old: true } });
      expect(letter!.reason).toMatch(/expired/);
      expect(got).toEqual([]);
    });

    it('dead-letters messages that wait past maxAgeMs while no consumer is online', async () => {
      const broker = await open();
      await broker.declareGroup('unwatched', 'u.x', { maxAgeMs: 200 });
      await broker.publish('u.x', { n: 1 }, { messageId: 'u1' });
      await broker.publish('u.x', { n: 2 }, { messageId: 'u2' });
      // No consumer ever comes: the bound must hold by itself.
      await waitFor(
        async () => (await broker.deadLetters.list({ group: 'unwatched' })).length === 2,
        'both messages expired',
        15_000,
      );
      const letters = await broker.deadLetters.list({ group: 'unwatched' });
      expect(letters.map((l) => l.messageId).sort()).toEqual(['u1', 'u2']);
      for (const letter of letters) expect(letter.reason).toMatch(/expired/);
    });

    it('pipelines many publishes and delivers each exactly once', async () => {
      const broker = await open();
      const seen = new Map<string, number>();
      await broker.consume(
        'bulk',
        'bulk.#',
        (d) => void seen.set(d.messageId!, (seen.get(d.messageId!) ?? 0) + 1),
        {
          prefetch: 100,
        },
      );
      await Promise.all(
        Array.from({ length: 2_000 }, (_, i) => broker.publish('bulk.e', { i }, { messageId: `b${i}` })),
      );
      await waitFor(() => seen.size === 2_000, '2,000 messages', 30_000);
      expect([...seen.values()].every((n) => n === 1)).toBe(true);
    });

    it('rejects bad input with clear errors and keeps working', async () => {
      const broker = await open();
      await expect(broker.publish('bad..key', {})).rejects.toThrow(/routing key/);
      await expect(broker.publish('events.*', {})).rejects.toThrow(/routing key/);
      await expect(broker.publish('ok.key', undefined)).rejects.toThrow(/JSON/);
      await expect(broker.consume('bad group!', 'x', () => {})).rejects.toThrow(/group/);
      await expect(broker.consume('g', 'a..b', () => {})).rejects.toThrow(/pattern/);
      await expect(broker.consume('g', 'a', () => {}, { prefetch: 0 })).rejects.toThrow(/prefetch/);
      await expect(broker.request('bad subject', {})).rejects.toThrow(/subject/);
      const got: unknown[] = [];
      await broker.consume('fine', 'ok.key', (d) => void got.push(d.body));
      await broker.publish('ok.key', 'still works');
      await waitFor(() => got.length === 1, 'delivery after bad input');
    });

    it('close waits for handlers in flight, then refuses publishes', async () => {
      const broker = await open();
      const held = gate();
      let started = false;
      let finished = false;
      await broker.consume('shutdown', 's.x', async () => {
        started = true;
        await held.promise;
        finished = true;
      });
      await broker.publish('s.x', {});
      await waitFor(() => started, 'handler started');
      const closing = broker.close();
      await turns(10);
      held.open();
      await closing;
      expect(finished).toBe(true);
      await expect(broker.publish('s.x', {})).rejects.toThrow(/closed/);
    });
  });
}
