/** `shardwire dlq list|replay|purge`: shows, replays and empties the broker's dead-letter queue. */
import { createBroker, type DeadLetter } from '@shardwire/broker';
import { ConfigError, loadConfig, type SettingsSpec, schemas } from '@shardwire/core';
import { z } from 'zod';
import type { Command } from './Command.js';

export const dlqSettings = {
  brokerUrl: {
    env: 'BROKER_URL',
    flag: 'broker-url',
    schema: z.string({ message: 'expected the broker URL (amqp://… or nats://…)' }).min(1),
    doc: 'The broker: `memory:` (one process), `amqp://…` (RabbitMQ) or `nats://…` (JetStream); URL parameters `prefix`, `partitions`, `publishBuffer`, `publishChannels`, `ackWaitMs`',
  },
  group: {
    env: 'DLQ_GROUP',
    flag: 'group',
    schema: z.string().min(1).optional(),
    doc: '`shardwire dlq`: only this consumer group',
  },
  limit: {
    env: 'DLQ_LIMIT',
    flag: 'limit',
    schema: schemas.positiveInt(100),
    doc: '`shardwire dlq list`: at most this many letters',
  },
} satisfies SettingsSpec;

const usage = [
  'shardwire dlq list   [--group G] [--limit 100] [--json]',
  'shardwire dlq replay [--group G] [--ids id1,id2]   publishes dead letters back to their group',
  'shardwire dlq purge  (--group G | --all)           deletes dead letters',
  'The broker is BROKER_URL (or --broker-url): amqp://… or nats://…',
].join('\n');

const command: Command = {
  summary: 'Show, replay or purge dead-lettered messages (list | replay | purge)',
  usage,
  settings: dlqSettings,
  async run({ flags, args, env }) {
    const action = args[0];
    if (action !== 'list' && action !== 'replay' && action !== 'purge')
      throw new ConfigError([
        `expected an action: list, replay or purge (got ${JSON.stringify(action ?? '')})\n${usage}`,
      ]);
    const config = loadConfig(dlqSettings, { env, flags });
    if (config.brokerUrl.startsWith('memory:'))
      throw new ConfigError([
        'BROKER_URL (--broker-url): the memory broker keeps dead letters inside its own process; point this at amqp://… or nats://…',
      ]);
    if (action === 'purge' && config.group === undefined && flags.all !== true)
      throw new ConfigError(['purge needs --group G, or --all to purge every group']);
    const broker = await createBroker(config.brokerUrl);
    const out = (text: string) => process.stdout.write(`${text}\n`);
    try {
      const group = config.group;
      if (action === 'list') {
        const letters = await broker.deadLetters.list({ group, limit: config.limit });
        if (flags.json === true) out(JSON.stringify(letters, null, 2));
        else out(formatLetters(letters));
      } else if (action === 'replay') {
        const ids = typeof flags.ids === 'string' ? flags.ids.split(',').filter(Boolean) : undefined;
        out(`replayed ${await broker.deadLetters.replay({ group, ids })} dead letter(s)`);
      } else {
        out(`purged ${await broker.deadLetters.purge({ group })} dead letter(s)`);
      }
    } finally {
      await broker.close();
    }
  },
};

/** A table a person reads: one letter a line, the reason last (it is the longest). */
export function formatLetters(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'no dead letters';
  const rows = letters.map((l) => [
    l.id,
    l.group,
    l.routingKey,
    l.messageId ?? '-',
    String(l.deliveries),
    new Date(l.deadAt).toISOString(),
    l.reason,
  ]);
  const header = ['id', 'group', 'routing key', 'message id', 'deliveries', 'dead at', 'reason'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line), `${letters.length} dead letter(s)`].join('\n');
}

export default command;
