import type { APIUser } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { makeUser, userJson } from './factories.js';

describe('userJson', () => {
  it('is JSON.stringify(user), from the template for made users and by stringifying any other', () => {
    const made = [makeUser('1323802879617662976', 'ivan9526'), makeUser('2', 'quote " back\\slash é 😀')];
    const bot = makeUser('3', 'bot', true);
    const other = { ...made[0]!, avatar: 'a_1', nick: 'x' } as APIUser;
    for (const user of [...made, bot, other]) expect(userJson(user)).toBe(JSON.stringify(user));
  });

  it('makes users that cannot be edited in place (their JSON would drift from the template)', () => {
    const user = makeUser('1', 'a');
    expect(() => {
      (user as { username: string }).username = 'b';
    }).toThrow(TypeError);
  });
});
