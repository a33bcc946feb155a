/** Where every shardwire object lives in RabbitMQ, under one prefix (pure, so it is table-tested). */

export interface AmqpNames {
  /** Topic exchange every message is published to, as `<partition>.<routingKey>`. */
  readonly exchange: string;
  /** Topic exchange for broadcasts (routing key = subject). */
  readonly broadcast: string;
  /** Topic exchange where the consumers of an ordered group announce themselves (routing key = group). */
  readonly members: string;
  /** The dead-letter queue. */
  readonly deadLetters: string;
  groupQueue(group: string): string;
  partitionQueue(group: string, partition: number): string;
  /** Every queue of a group: one, or one per partition when it is ordered. */
  queuesOf(group: string, ordered: boolean, partitions: number): string[];
  rpcQueue(subject: string): string;
  /** The group a queue belongs to, if it is a group queue. */
  groupOfQueue(queue: string): string | undefined;
}

export function amqpNames(prefix: string): AmqpNames {
  const groupPrefix = `${prefix}.group.`;
  return {
    exchange: `${prefix}.events`,
    broadcast: `${prefix}.broadcast`,
    members: `${prefix}.members`,
    deadLetters: `${prefix}.dead-letters`,
    groupQueue: (group) => `${groupPrefix}${group}`,
    partitionQueue: (group, partition) => `${groupPrefix}${group}.~p${partition}`,
    queuesOf(group, ordered, partitions) {
      if (!ordered) return [this.groupQueue(group)];
      return Array.from({ length: partitions }, (_, i) => this.partitionQueue(group, i));
    },
    rpcQueue: (subject) => `${prefix}.rpc.${subject}`,
    groupOfQueue(queue) {
      if (!queue.startsWith(groupPrefix)) return undefined;
      return queue.slice(groupPrefix.length).replace(/\.~p\d+$/, '');
    },
  };
}

/** The binding key of a group pattern: the first word is the partition (`*` for any). */
export function bindingKey(partition: number | '*', pattern: string): string {
  return `${partition}.${pattern}`;
}

/** The published routing key: partition, then the message's own key. */
export function wireKey(partition: number, routingKey: string): string {
  return `${partition}.${routingKey}`;
}

/** The message's own routing key from a wire key. */
export function routingKeyOf(wire: string): string {
  const dot = wire.indexOf('.');
  return dot < 0 ? wire : wire.slice(dot + 1);
}
