import { describe, expect, it } from 'vitest';
import { compileTopics, topicMatches, validateRoutingKey } from './topic.js';

describe('topicMatches', () => {
  it.each([
    ['events.MESSAGE_CREATE', 'events.MESSAGE_CREATE', true],
    ['events.MESSAGE_CREATE', 'events.MESSAGE_UPDATE', false],
    ['events.*', 'events.MESSAGE_CREATE', true],
    ['events.*', 'events', false],
    ['events.*', 'events.a.b', false],
    ['events.#', 'events', true],
    ['events.#', 'events.a', true],
    ['events.#', 'events.a.b.c', true],
    ['events.#', 'eventsx.a', false],
    ['#', 'anything.at.all', true],
    ['#', 'one', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['gateway.commands.*', 'gateway.commands.3', true],
    ['gateway.#.3', 'gateway.commands.3', true],
    ['gateway.#.3', 'gateway.3', true],
    ['gateway.#.3', 'gateway.commands.4', false],
    ['*.commands.#', 'gateway.commands', true],
    ['#.b.#', 'a.b.c', true],
    ['#.b.#', 'a.c', false],
    ['a.*.c', 'a.b.c', true],
    ['a.*.c', 'a.c', false],
  ])('%s vs %s → %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it('matches any of several patterns', () => {
    const m = compileTopics(['events.GUILD_CREATE', 'events.MESSAGE_*']);
    expect(m('events.GUILD_CREATE')).toBe(true);
    expect(m('events.MESSAGE_*')).toBe(true);
    expect(m('events.GUILD_DELETE')).toBe(false);
  });

  it.each(['', 'a..b', '.a', 'a.'])('rejects the malformed pattern %j', (pattern) => {
    expect(() => topicMatches(pattern, 'a')).toThrow(TypeError);
  });

  it.each(['', 'a.*', 'a.#', 'a..b'])('rejects the routing key %j', (key) => {
    expect(() => validateRoutingKey(key)).toThrow(TypeError);
  });
});
