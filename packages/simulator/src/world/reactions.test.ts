import { describe, expect, it } from 'vitest';
import { parseEmoji } from './reactions.js';

describe('parseEmoji', () => {
  it.each([
    ['%F0%9F%91%8D', { id: null, name: '👍' }],
    ['👍', { id: null, name: '👍' }],
    ['party:123456789012345678', { id: '123456789012345678', name: 'party' }],
    ['a:dance:42', { id: '42', name: 'dance' }],
    ['', undefined],
    ['%E0%A4%A', undefined],
    ['two words', undefined],
    ['name:notanid', undefined],
  ])('%s → %j', (raw, emoji) => {
    expect(parseEmoji(raw)).toEqual(emoji);
  });
});
