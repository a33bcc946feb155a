import { describe, expect, it } from 'vitest';
import { matchCommand, mentionPrefixes } from './matchCommand.js';

describe('matchCommand', () => {
  it.each([
    ['!ping', ['!'], { prefix: '!', name: 'ping', argText: '' }],
    ['!PING', ['!'], { prefix: '!', name: 'ping', argText: '' }],
    ['!echo hello world', ['!'], { prefix: '!', name: 'echo', argText: 'hello world' }],
    ['!echo   two  spaces kept  ', ['!'], { prefix: '!', name: 'echo', argText: 'two  spaces kept' }],
    ['!echo\nnext line', ['!'], { prefix: '!', name: 'echo', argText: 'next line' }],
    ['!echo', ['!'], { prefix: '!', name: 'echo', argText: '' }],
    ['?ping', ['!', '?'], { prefix: '?', name: 'ping', argText: '' }],
    ['!!ping', ['!', '!!'], { prefix: '!!', name: 'ping', argText: '' }],
    ['bot, ping', ['bot, '], { prefix: 'bot, ', name: 'ping', argText: '' }],
    ['ping', ['!'], undefined],
    ['! ping', ['!'], undefined],
    ['!', ['!'], undefined],
    ['', ['!'], undefined],
    ['hello !ping', ['!'], undefined],
    ['<@42> ping', ['!', '<@42>'], { prefix: '<@42>', name: 'ping', argText: '' }],
    ['<@42>ping now', ['<@42>'], { prefix: '<@42>', name: 'ping', argText: 'now' }],
    ['<@!42>   echo hi', ['<@42>', '<@!42>'], { prefix: '<@!42>', name: 'echo', argText: 'hi' }],
    ['<@42>', ['<@42>'], undefined],
    ['<@43> ping', ['<@42>'], undefined],
    ['!ping', [''], undefined],
    ['!ping', [], undefined],
  ])('%j with %j', (content, prefixes, expected) => {
    expect(matchCommand(content, prefixes)).toEqual(expected);
  });
});

describe('mentionPrefixes', () => {
  it('gives both mention forms', () => {
    expect(mentionPrefixes('42')).toEqual(['<@42>', '<@!42>']);
  });
});
