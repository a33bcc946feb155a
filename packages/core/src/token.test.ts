import { describe, expect, it } from 'vitest';
import { botIdOfToken } from './token.js';

describe('botIdOfToken', () => {
  it.each([
    [
      `${Buffer.from('123456789012345678').toString('base64')}.GhJkLm.abcdefghijklmnopqrstuvwxyz`,
      '123456789012345678',
    ],
    [`Bot ${Buffer.from('42').toString('base64')}.x.y`, '42'],
    ['not-a-token', undefined],
    ['', undefined],
  ])('%s → %s', (token, id) => {
    expect(botIdOfToken(token)).toBe(id);
  });
});
