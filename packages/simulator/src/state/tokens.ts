/** Bot tokens shaped like Discord's: `base64(user id).timestamp part.hmac part`. */
import type { Random } from './random.js';

export function makeBotToken(userId: string, random: Random): string {
  const first = Buffer.from(userId).toString('base64').replace(/=+$/, '');
  return `${first}.${random.base64url(6)}.${random.base64url(38)}`;
}

/** The user id a token claims to belong to (its first part), or undefined when it is not token-shaped. */
export function userIdOfToken(token: string): string | undefined {
  const [first, second, third] = token.split('.');
  if (!first || !second || !third) return undefined;
  const decoded = Buffer.from(first, 'base64').toString('utf8');
  return /^\d{15,21}$/.test(decoded) ? decoded : undefined;
}
