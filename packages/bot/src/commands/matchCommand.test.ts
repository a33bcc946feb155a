import { describe, expect, it } from 'vitest';
import { matchCommand } from './matchCommand.js';

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
    ['!ping', [''], undefined],
    ['!ping', [], undefined],
  ])('%j with %j', (content, prefixes, expected) => {
    expect(matchCommand(content, prefixes)).toEqual(expected);
  });
});
