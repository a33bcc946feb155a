import { describe, expect, it } from 'vitest';
import { parseArgs } from './parseArgs.js';

describe('parseArgs', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['hello', ['hello']],
    ['hello world', ['hello', 'world']],
    ['  spaced   out  ', ['spaced', 'out']],
    ['tab\tand\nnewline', ['tab', 'and', 'newline']],
    ['"two words" three', ['two words', 'three']],
    ['a"b c"d', ['ab cd']],
    ['""', ['']],
    ['"" x', ['', 'x']],
    ['"unterminated quote', ['unterminated quote']],
    ['\u201ccurly quotes\u201d too', ['curly quotes', 'too']],
    ['\u201clow-high\u201d', ['low-high']],
    ['\u201cmixed"', ['mixed']],
    ['escaped\\ space', ['escaped space']],
    ['\\"not quoted\\"', ['"not', 'quoted"']],
    ['"inner \\" quote"', ['inner " quote']],
    ["don't split apostrophes", ["don't", 'split', 'apostrophes']],
    ['trailing\\', ['trailing\\']],
  ])('%j -> %j', (text, expected) => {
    expect(parseArgs(text)).toEqual(expected);
  });
});
