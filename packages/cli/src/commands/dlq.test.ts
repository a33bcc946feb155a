import { randomBytes } from 'node:crypto';
import { createBroker, PoisonMessageError } from '@shardwire/broker';
import { ConfigError } from '@shardwire/core';
import { connect } from 'nats';
import { afterEach, describe, expect, it, vi } from 'vitest';
import command, { formatLetters } from './dlq.js';

const natsUrl = process.env.NATS_URL;

describe('shardwire dlq', () => {
  afterEach(() => vi.restoreAllMocks());

  it('formats letters as a table', () => {
    const text = formatLetters([
      {
        id: '7',
        group: 'workers',
        routingKey: 'events.MESSAGE_CREATE',
        body: {},
        messageId: 'm1',
        reason: 'poison: bad',
        deliveries: 1,
        deadAt: 0,
      },
    ]);
    expect(text.split('\n')[1]).toMatch(
      /^7\s+workers\s+events\.MESSAGE_CREATE\s+m1\s+1\s+1970-01-01T00:00:00.000Z\s+poison: bad$/,
    );
    expect(formatLetters([])).toBe('no dead letters');
  });

  it.each([
    [[], { BROKER_URL: 'nats://x' }, {}, /list, replay or purge/],
    [['list'], {}, {}, /BROKER_URL/],
    [['list'], { BROKER_URL: 'memory:' }, {}, /memory broker/],
    [['purge'], { BROKER_URL: 'nats://127.0.0.1:1' }, {}, /--all/],
  ])('refuses %j with a clear message', async (args, env, flags, message) => {
    const error = await command.run({ args, env, flags }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  describe.skipIf(!natsUrl)('against NATS', () => {
    const prefix = `dlq${randomBytes(4).toString('hex')}`;
    const url = `${natsUrl}?prefix=${prefix}`;

    afterEach(async () => {
      const nc = await connect({ servers: natsUrl! });
      const jsm = await nc.jetstreamManager();
      for (const stream of [`${prefix}_events`, `${prefix}_dead_letters`])
        await jsm.streams.delete(stream).catch(() => {});
      await nc.close();
    });

    it('lists, replays and purges', async () => {
      const broker = await createBroker(url);
      let healthy = false;
      const handled: string[] = [];
      await broker.consume('workers', 'events.*', (d) => {
        if (!healthy) throw new PoisonMessageError('bad');
        handled.push(d.messageId!);
      });
      await broker.publish('events.A', { a: 1 }, { messageId: 'one' });
      await broker.publish('events.B', { b: 2 }, { messageId: 'two' });
      while ((await broker.deadLetters.list()).length < 2) await new Promise((r) => setTimeout(r, 10));

      const written: string[] = [];
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        written.push(String(chunk));
        return true;
      });
      const env = { BROKER_URL: url };
      await command.run({ args: ['list'], env, flags: { json: true } });
      const letters = JSON.parse(written.join('')) as { id: string; messageId: string }[];
      expect(letters.map((l) => l.messageId)).toEqual(['one', 'two']);

      healthy = true;
      written.length = 0;
      await command.run({ args: ['replay'], env, flags: { ids: letters[1]!.id } });
      expect(written.join('')).toContain('replayed 1 dead letter(s)');
      while (handled.length < 1) await new Promise((r) => setTimeout(r, 10));
      expect(handled).toEqual(['two']);

      written.length = 0;
      await command.run({ args: ['purge'], env, flags: { group: 'workers' } });
      expect(written.join('')).toContain('purged 1 dead letter(s)');
      written.length = 0;
      await command.run({ args: ['list'], env, flags: {} });
      expect(written.join('')).toContain('no dead letters');
      vi.restoreAllMocks();
      await broker.close();
    });
  });
});
