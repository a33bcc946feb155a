/** Where a message's command prefix comes from: one fixed prefix, several, or a per-guild lookup. */
import type { Envelope } from '@shardwire/core';
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';

/**
 * Looks up the prefixes for a message (the guild's setting, usually). Resolving to `undefined`
 * falls back to the worker's default prefix. Throwing nacks the envelope like any handler error.
 */
export type PrefixResolver = (
  message: GatewayMessageCreateDispatchData,
  envelope: Envelope,
) => Promise<string | readonly string[] | undefined> | string | readonly string[] | undefined;

export type PrefixOption = string | readonly string[] | PrefixResolver;

export const DEFAULT_PREFIX = '!';

export async function resolvePrefixes(
  option: PrefixOption,
  message: GatewayMessageCreateDispatchData,
  envelope: Envelope,
): Promise<readonly string[]> {
  const value = typeof option === 'function' ? ((await option(message, envelope)) ?? DEFAULT_PREFIX) : option;
  return typeof value === 'string' ? [value] : value;
}
