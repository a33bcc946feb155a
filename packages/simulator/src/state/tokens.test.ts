import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';
import { makeBotToken, userIdOfToken } from './tokens.js';

describe('bot tokens', () => {
  it("are three parts, the first the unpadded base64 of the bot's id", () => {
    const token = makeBotToken('1234567890123456789', createRandom(1));
    const [first, second, third] = token.split('.');
    expect(first).toBe(Buffer.from('1234567890123456789').toString('base64').replace(/=+$/, ''));
    expect(first).not.toContain('=');
    expect(second).toHaveLength(6);
    expect(third!.length).toBeGreaterThanOrEqual(27);
    expect(userIdOfToken(token)).toBe('1234567890123456789');
  });

  it('are the same for the same seed', () => {
    expect(makeBotToken('1', createRandom(7))).toBe(makeBotToken('1', createRandom(7)));
    expect(makeBotToken('1', createRandom(7))).not.toBe(makeBotToken('1', createRandom(8)));
  });

  it('reject what is not token-shaped', () => {
    expect(userIdOfToken('abc')).toBeUndefined();
    expect(userIdOfToken('aGVsbG8.x.y')).toBeUndefined();
  });
});
