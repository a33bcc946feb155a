/** What a bot token says of itself: its first part is the bot's user id in base64. */

/** The bot's user id encoded in a token (`Bot ` prefix allowed), or undefined when it encodes none. */
export function botIdOfToken(token: string): string | undefined {
  const first = token.replace(/^Bot\s+/i, '').split('.', 1)[0];
  if (!first) return undefined;
  const decoded = Buffer.from(first, 'base64').toString('utf8');
  return /^\d{1,21}$/.test(decoded) ? decoded : undefined;
}
