/** The content key of a dispatch, the same for the same event on any session of any shard count. */
import { createHash } from 'node:crypto';
import { guildIdOf } from '@shardwire/core';

/** `guild:type:hash(payload)`; events outside a guild share the group `-`. */
export function dispatchKey(t: string, d: unknown): string {
  const group = guildIdOf(t, d) ?? '-';
  const hash = createHash('sha1')
    .update(JSON.stringify(d) ?? 'null')
    .digest('base64url');
  return `${group}:${t}:${hash}`;
}
