import { connect } from 'amqplib';
import { describe } from 'vitest';
import type { Broker } from '../Broker.js';
import { runBrokerContract } from '../testing/contract.js';
import { randomName } from '../testing/helpers.js';
import { runJsonTextSuite } from '../testing/jsonTextSuite.js';
import { runLossSuite } from '../testing/lossSuite.js';
import { rabbitmq } from '../testing/servers.js';
import { AmqpBroker } from './AmqpBroker.js';
import { amqpNames } from './names.js';

const url = process.env.AMQP_URL;
const partitions = 4;
const groupsOf = new Map<string, Set<string>>();

/** A broker that remembers the groups it declared, so the test can delete their queues. */
async function open(namespace: string): Promise<Broker> {
  const broker = await AmqpBroker.connect(`${url}?prefix=${namespace}&partitions=${partitions}`);
  const groups = groupsOf.get(namespace) ?? new Set<string>();
  groupsOf.set(namespace, groups);
  const consume = broker.consume.bind(broker);
  const declareGroup = broker.declareGroup.bind(broker);
  broker.consume = (group, ...rest) => {
    groups.add(group);
    return consume(group, ...rest);
  };
  broker.declareGroup = (group, ...rest) => {
    groups.add(group);
    return declareGroup(group, ...rest);
  };
  return broker;
}

async function cleanup(namespace: string): Promise<void> {
  const model = await connect(url!);
  try {
    const names = amqpNames(namespace);
    const channel = await model.createChannel();
    for (const group of groupsOf.get(namespace) ?? [])
      for (const queue of [...names.queuesOf(group, false, 1), ...names.queuesOf(group, true, partitions)])
        await channel.deleteQueue(queue);
    await channel.deleteQueue(names.deadLetters);
    await channel.deleteExchange(names.exchange);
    await channel.deleteExchange(names.broadcast);
    await channel.deleteExchange(names.members);
    await channel.close();
  } finally {
    if (!namespace.startsWith('loss')) groupsOf.delete(namespace);
    await model.close();
  }
}

describe.skipIf(!url)('AmqpBroker', () => {
  runBrokerContract('amqp', open, { cleanup });
  runJsonTextSuite('amqp', open, cleanup);
});

// In the same file as the contract suite, so restarting RabbitMQ never runs beside it.
describe.skipIf(!url)('AmqpBroker loss', () => {
  const prefix = randomName('loss');
  groupsOf.set(prefix, new Set(['loss']));
  runLossSuite(
    'amqp',
    `${url}?prefix=${prefix}`,
    (u) => AmqpBroker.connect(u),
    rabbitmq,
    () => cleanup(prefix),
  );
});
