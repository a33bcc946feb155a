/** Removes what a test's broker prefix created in RabbitMQ (shared with other engineers' tests). */
import { connect } from 'amqplib';

export async function deleteAmqpPrefix(url: string, prefix: string, groups: string[]): Promise<void> {
  const model = await connect(url);
  try {
    const channel = await model.createChannel();
    for (const group of groups) await channel.deleteQueue(`${prefix}.group.${group}`);
    await channel.deleteQueue(`${prefix}.dead-letters`);
    for (const name of ['events', 'broadcast']) await channel.deleteExchange(`${prefix}.${name}`);
  } finally {
    await model.close();
  }
}

/** The groups a gateway of `bot` with `shards` shards declares, plus the test's own. */
export function gatewayGroups(bot: string, shards: number, own: string[]): string[] {
  return [...own, ...Array.from({ length: shards }, (_, i) => `gateway.commands.${bot}.${i}`)];
}
