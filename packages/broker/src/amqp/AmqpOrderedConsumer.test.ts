import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { randomName, waitFor } from '../testing/helpers.js';
import { startConsumerProcess } from '../testing/loss.js';
import { AmqpBroker } from './AmqpBroker.js';
import { amqpNames } from './names.js';

const url = process.env.AMQP_URL;
const PARTITIONS = 16;
const GUILDS = 64;

/** `<pid> <guild>-<seq>` lines, in the order the consumer processes handled them. */
function handled(log: string): { pid: string; guild: string; seq: number }[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pid, id] = line.split(' ') as [string, string];
      const [guild, seq] = id.split('-') as [string, string];
      return { pid, guild, seq: Number(seq) };
    });
}

describe.skipIf(!url)('AmqpOrderedConsumer', () => {
  const prefix = randomName('ord');
  const children = new Set<ChildProcess>();

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    const model = await connect(url!);
    const channel = await model.createChannel();
    const names = amqpNames(prefix);
    for (const queue of [...names.queuesOf('ord', true, PARTITIONS), names.deadLetters])
      await channel.deleteQueue(queue);
    for (const exchange of [names.exchange, names.broadcast, names.members])
      await channel.deleteExchange(exchange);
    await model.close();
  });

  it('spreads partitions over the live consumers and moves them when one joins or dies, keeping order per guild', async () => {
    const brokerUrl = `${url}?prefix=${prefix}&partitions=${PARTITIONS}`;
    const log = join(mkdtempSync(join(tmpdir(), 'shardwire-ordered-')), 'handled.log');
    const env = {
      BROKER_URL: brokerUrl,
      GROUP: 'ord',
      LOG: log,
      ORDERED: '1',
      HANDLE_MS: '10',
      PREFETCH: '2',
    };
    const publisher = await AmqpBroker.connect(brokerUrl);
    await publisher.declareGroup('ord', 'loss.#', { ordered: true });

    // A steady stream: every 20 ms a burst of 6 messages for each of 2 guilds, in turn over 64 guilds.
    // With a prefetch of 2 per partition, a guild's burst is partly held by its consumer and partly
    // still queued whenever a partition changes hands: exactly where a hand-over could reorder.
    const next = new Array<number>(GUILDS).fill(0);
    let published = 0;
    let publishing = true;
    const publishingDone = (async () => {
      for (let tick = 0; publishing; tick++) {
        const batch = Array.from({ length: 12 }, (_, j) => {
          const guild = (tick * 2 + Math.floor(j / 6)) % GUILDS;
          const seq = next[guild]!++;
          return publisher.publish(
            'loss.event',
            { guild, seq },
            { partitionKey: `g${guild}`, messageId: `g${guild}-${seq}` },
          );
        });
        await Promise.all(batch);
        published += batch.length;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    try {
      const first = await startConsumerProcess(env, children);
      const byPid = (pid: number | undefined, from = 0) =>
        handled(log)
          .slice(from)
          .filter((line) => line.pid === String(pid));
      await waitFor(() => byPid(first.pid).length >= 100, 'the first consumer handling', 20_000);

      const second = await startConsumerProcess(env, children);
      await waitFor(() => byPid(second.pid).length >= 100, 'the second consumer taking a share', 20_000);
      const joinedAt = handled(log).findIndex((line) => line.pid === String(second.pid));
      await waitFor(
        () => byPid(first.pid, joinedAt).length >= 100,
        'the first consumer keeping a share',
        20_000,
      );
      const shares = [first, second].map((proc) => new Set(byPid(proc.pid, joinedAt).map((l) => l.guild)));
      // Each guild is in one partition, so the two shares are disjoint once the hand-over is done.
      expect(shares[0]!.size).toBeGreaterThan(0);
      expect(shares[1]!.size).toBeGreaterThan(0);

      second.kill('SIGKILL');
      const killedAt = handled(log).length;
      await waitFor(
        () => new Set(byPid(first.pid, killedAt).map((l) => l.guild)).size === GUILDS,
        'the surviving consumer handling every guild',
        30_000,
      );
    } finally {
      publishing = false;
      await publishingDone;
    }

    const ids = () => new Set(handled(log).map((l) => `${l.guild}-${l.seq}`));
    await waitFor(() => ids().size === published, `all ${published} messages handled`, 30_000);
    // Per guild, the first handling of each message comes in publish order (a message handled
    // again after its consumer was killed before acking it is a duplicate, not a reordering).
    const seen = new Map<string, number>();
    for (const { guild, seq } of handled(log)) {
      const last = seen.get(guild) ?? -1;
      if (seq <= last) continue;
      expect(seq, `guild ${guild}`).toBe(last + 1);
      seen.set(guild, seq);
    }
    await publisher.close();
  }, 120_000);
});
