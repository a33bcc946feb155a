import { describe, expect, it } from 'vitest';
import { amqpNames, bindingKey, routingKeyOf, wireKey } from './names.js';

describe('amqpNames', () => {
  const names = amqpNames('sw');
  it.each([
    [names.exchange, 'sw.events'],
    [names.broadcast, 'sw.broadcast'],
    [names.members, 'sw.members'],
    [names.deadLetters, 'sw.dead-letters'],
    [names.groupQueue('workers'), 'sw.group.workers'],
    [names.partitionQueue('workers', 3), 'sw.group.workers.~p3'],
    [names.rpcQueue('gateway.guildCount'), 'sw.rpc.gateway.guildCount'],
    [bindingKey('*', 'events.#'), '*.events.#'],
    [bindingKey(7, 'events.*'), '7.events.*'],
    [wireKey(7, 'events.MESSAGE_CREATE'), '7.events.MESSAGE_CREATE'],
    [routingKeyOf('7.events.MESSAGE_CREATE'), 'events.MESSAGE_CREATE'],
  ])('%s is %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('lists a group queue, or one queue per partition', () => {
    expect(names.queuesOf('g', false, 4)).toEqual(['sw.group.g']);
    expect(names.queuesOf('g', true, 3)).toEqual(['sw.group.g.~p0', 'sw.group.g.~p1', 'sw.group.g.~p2']);
  });

  it.each([
    ['sw.group.workers', 'workers'],
    ['sw.group.a.b.~p12', 'a.b'],
    ['sw.rpc.x', undefined],
    ['other.group.x', undefined],
  ])('reads the group of %s', (queue, group) => {
    expect(names.groupOfQueue(queue)).toBe(group);
  });
});
