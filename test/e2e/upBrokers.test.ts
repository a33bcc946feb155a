/**
 * `shardwire up` with `BROKER_URL` pointing at real RabbitMQ or NATS runs the example bot unchanged.
 * Each run gets its own namespace (`?prefix=`) and deletes its queues, exchanges or streams after.
 */
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { amqpNames } from '../../packages/broker/src/amqp/names.js';
import { natsNames } from '../../packages/broker/src/nats/subjects.js';
import { SimControl, textChannelOf } from '../support/simControl.js';
import { interrupt, startUp, untilOutput } from '../support/upProcess.js';

const backends = [
  {
    name: 'RabbitMQ',
    url: process.env.AMQP_URL,
    async cleanUp(url: string, prefix: string, groups: string[]) {
      const names = amqpNames(prefix);
      const connection = await amqp.connect(url);
      const channel = await connection.createChannel();
      for (const queue of [...groups.map((g) => names.groupQueue(g)), names.deadLetters])
        await channel.deleteQueue(queue);
      for (const exchange of [names.exchange, names.broadcast]) await channel.deleteExchange(exchange);
      await connection.close();
    },
  },
  {
    name: 'NATS JetStream',
    url: process.env.NATS_URL,
    async cleanUp(url: string, prefix: string, _groups: string[]) {
      // The groups are consumers of these streams and go with them.
      const names = natsNames(prefix);
      const connection = await connect({ servers: url });
      const streams = await connection.jetstreamManager();
      for (const stream of [names.stream, names.deadLetterStream])
        await streams.streams.delete(stream).catch(() => {});
      await connection.close();
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.url)(`shardwire up on ${backend.name}`, () => {
    it('answers !ping and !echo with BROKER_URL set', async () => {
      const prefix = `e2e${randomBytes(4).toString('hex')}`;
      const separator = backend.url!.includes('?') ? '&' : '?';
      const run = startUp('bin', [], { BROKER_URL: `${backend.url}${separator}prefix=${prefix}` });
      // The worker's group, and the gateway's group for shard 0's outgoing commands.
      const groups = ['workers'];
      try {
        await untilOutput(run, /shardwire is up/, 60_000);
        const [, simulatorUrl] = await untilOutput(run, /Simulator:\s+(http:\/\/\S+)/, 1_000);
        const sim = new SimControl(simulatorUrl!);
        const [bot] = (await (await fetch(`${simulatorUrl}/_sim/bots`)).json()) as { id: string }[];
        groups.push(`gateway.commands.${bot!.id}.0`);
        const channel = textChannelOf(await sim.createGuild({ name: `on ${backend.name}` }));
        expect((await sim.replyTo(channel, await sim.post(channel, '!ping'))).content).toMatch(
          /^Pong! \d+ ms$/,
        );
        expect((await sim.replyTo(channel, await sim.post(channel, '!echo over the wire'))).content).toBe(
          'over the wire',
        );
        const { code } = await interrupt(run);
        expect(code).toBe(0);
        expect(run.stdout()).toContain(`Broker:      ${backend.url!.split('://')[0]}://`);
      } finally {
        await backend.cleanUp(backend.url!, prefix, groups);
      }
    }, 90_000);
  });
}
