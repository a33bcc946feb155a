import { describe, expect, it } from 'vitest';
import { topicMatches } from '../topic.js';
import { natsNames, subjectMatches, translatePattern } from './subjects.js';

describe('translatePattern', () => {
  it.each([
    ['events.MESSAGE_CREATE', ['events.MESSAGE_CREATE']],
    ['events.*', ['events.*']],
    ['events.#', ['events.>', 'events']],
    ['#', ['>']],
    ['#.b', ['>']],
    ['a.#.b', ['a.>']],
    ['*.commands.#', ['*.commands.>', '*.commands']],
  ])('%s → %j', (pattern, filters) => {
    expect(translatePattern(pattern)).toEqual(filters);
  });

  // The filters must let through everything the pattern matches.
  it.each([
    ['events.#', 'events'],
    ['events.#', 'events.a.b'],
    ['a.#.b', 'a.b'],
    ['a.#.b', 'a.x.y.b'],
    ['#.b', 'b'],
    ['*.commands.#', 'gateway.commands'],
  ])('the filters of %s cover %s', (pattern, key) => {
    expect(topicMatches(pattern, key)).toBe(true);
    expect(translatePattern(pattern).some((f) => subjectMatches(f, key))).toBe(true);
  });
});

describe('subjectMatches', () => {
  it.each([
    ['a.b', 'a.b', true],
    ['a.*', 'a.b', true],
    ['a.*', 'a.b.c', false],
    ['a.>', 'a.b.c', true],
    ['a.>', 'a', false],
    ['>', 'a', true],
    ['*.b', 'a.b', true],
    ['a.b', 'a.b.c', false],
  ])('%s vs %s → %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe('natsNames', () => {
  const names = natsNames('sw');
  it.each([
    [names.stream, 'sw_events'],
    [names.deadLetterStream, 'sw_dead_letters'],
    [names.eventSubject(3, 'events.MESSAGE_CREATE'), 'sw.ev.3.events.MESSAGE_CREATE'],
    [names.replaySubject('a.b', 'events.X'), 'sw.rp.a~b.events.X'],
    [names.replayFilter('a.b'), 'sw.rp.a~b.>'],
    [names.deadLetterSubject('a.b'), 'sw.dlq.a~b'],
    [names.rpcSubject('gw.count'), 'sw.rpc.gw.count'],
    [names.broadcastSubject('gw.count'), 'sw.bc.gw.count'],
  ])('%s is %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('builds filters per partition', () => {
    expect(names.eventFilters('events.#', '*')).toEqual(['sw.ev.*.events.>', 'sw.ev.*.events']);
    expect(names.eventFilters('events.*', 2)).toEqual(['sw.ev.2.events.*']);
  });

  it.each([
    ['sw.ev.3.events.MESSAGE_CREATE', 'events.MESSAGE_CREATE'],
    ['sw.rp.a~b.events.X', 'events.X'],
    ['sw.other.x', undefined],
  ])('reads the routing key of %s', (subject, key) => {
    expect(names.routingKeyOf(subject)).toBe(key);
  });

  it('names consumers without dots, stably', () => {
    const name = names.consumerName('a.b', 'sw.ev.*.events.>');
    expect(name).toMatch(/^a~b~[0-9a-z]+$/);
    expect(names.consumerName('a.b', 'sw.ev.*.events.>')).toBe(name);
    expect(names.consumerName('a.b', 'sw.ev.*.events')).not.toBe(name);
  });
});
