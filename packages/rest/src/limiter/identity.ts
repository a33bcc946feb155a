/** Who a request counts against: a bot (by its token, never kept in clear) or, without one, a client IP. */
import { botIdOfToken } from '@shardwire/core';
import { tokenDigest } from '../routes.js';

/**
 * `bot:<bot id>:<digest>` for an `Authorization` value (`Bot <token>`, `Bearer <token>`), so one proxy
 * keeps each bot's global limit apart and a changed token counts as a new identity.
 */
export function identityOf(authorization: string | undefined, fallbackIp = 'local'): string {
  if (!authorization) return `ip:${fallbackIp}`;
  const space = authorization.indexOf(' ');
  const kind = space === -1 ? 'Bot' : authorization.slice(0, space);
  const token = space === -1 ? authorization : authorization.slice(space + 1);
  if (kind === 'Bearer') return `bearer:${tokenDigest(token)}`;
  return `bot:${botIdOfToken(token) ?? ''}:${tokenDigest(token)}`;
}

/** The bot id out of an identity made by `identityOf`. */
export function botIdOfIdentity(identity: string): string | undefined {
  if (!identity.startsWith('bot:')) return undefined;
  const id = identity.slice(4, identity.indexOf(':', 4));
  return id === '' ? undefined : id;
}
