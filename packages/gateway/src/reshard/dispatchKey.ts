/** The content key of a dispatch, the same for the same event on any session of any shard count. */
import { createHash } from 'node:crypto';
import type { Dispatch } from '../shard/shard.js';

/** `guild:type:hash(payload)`; events outside a guild share the group `-`. */
export function dispatchKey({ t, d, guildId }: Pick<Dispatch, 't' | 'd' | 'guildId'>): string {
  // A `d` kept as text is written as its parsed value (`toJSON`), the same on either set.
  const hash = createHash('sha1')
    .update(JSON.stringify(d) ?? 'null')
    .digest('base64url');
  return `${guildId ?? '-'}:${t}:${hash}`;
}
