/**
 * A guild's stable partition: the shard it would be on with `count` shards, where `count` is fixed
 * for the bot's lifetime (not the shard count), so routing and ordering keyed by it survive a reshard.
 */
import type { Broker } from '@shardwire/broker';
import { type Envelope, shardIdOf } from '@shardwire/core';

export const DEFAULT_PARTITIONS = 1024;

export function partitionOf(guildId: string, count: number): number {
  return shardIdOf(guildId, count);
}

function isEnvelope(body: unknown): body is Envelope {
  return typeof body === 'object' && body !== null && 'id' in body && 'shard' in body && 't' in body;
}

/** The broker with every published envelope that has a guild stamped with its partition. */
export function withPartitions(broker: Broker, count: number): Broker {
  const publish: Broker['publish'] = (routingKey, body, options) => {
    if (isEnvelope(body) && body.guildId !== undefined && body.partition === undefined) {
      body.partition = partitionOf(body.guildId, count);
    }
    return broker.publish(routingKey, body, options);
  };
  return new Proxy(broker, {
    get(target, prop) {
      if (prop === 'publish') return publish;
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
