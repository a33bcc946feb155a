import { describe, expect, it } from 'vitest';
import { NONCE_LENGTH, replyNonce } from './nonce.js';

describe('replyNonce', () => {
  it('is stable for the same envelope, handler and send', () => {
    expect(replyNonce('1:0:s:5', 'command:ping', 0)).toBe(replyNonce('1:0:s:5', 'command:ping', 0));
  });

  it.each([
    ['1:0:s:6', 'command:ping', 0],
    ['1:0:s:5', 'command:echo', 0],
    ['1:0:s:5', 'command:ping', 1],
  ])('differs when anything changes (%s, %s, %i)', (id, key, index) => {
    expect(replyNonce(id, key, index)).not.toBe(replyNonce('1:0:s:5', 'command:ping', 0));
  });

  it('fits Discord’s 25-character limit', () => {
    const nonce = replyNonce('x'.repeat(500), 'y'.repeat(500), 99);
    expect(nonce).toHaveLength(NONCE_LENGTH);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
