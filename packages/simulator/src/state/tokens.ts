/** Bot tokens shaped like Discord's: `base64(user id).timestamp part.hmac part`. */
import { botIdOfToken } from '@shardwire/core';
import type { Random } from './random.js';

export function makeBotToken(userId: string, random: Random): string {
  const first = Buffer.from(userId).toString('base64').replace(/=+$/, '');
  return `${first}.${random.base64url(6)}.${random.base64url(38)}`;
}

/** The user id a token claims to belong to (its first part), or undefined when it is not token-shaped. */
export function userIdOfToken(token: string): string | undefined {
  const [first, second, third] = token.split('.');
  return first && second && third ? botIdOfToken(token) : undefined;
}
