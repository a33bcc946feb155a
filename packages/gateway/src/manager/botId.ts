/** A bot token's first part is its user id in base64 (pure). */

export function botIdFromToken(token: string): string | undefined {
  const first = token.replace(/^Bot\s+/i, '').split('.')[0];
  if (!first) return undefined;
  try {
    const decoded = Buffer.from(first, 'base64').toString('utf8');
    return /^\d{1,20}$/.test(decoded) ? decoded : undefined;
  } catch {
    return undefined;
  }
}
