/** Reads Discord's rate-limit headers from any header shape (node, undici, fetch). */

export type HeaderSource =
  | Record<string, string | string[] | number | undefined>
  | { get(name: string): string | null };

export type RateLimitScope = 'user' | 'global' | 'shared';

export interface RateLimitHeaders {
  bucket?: string;
  limit?: number;
  remaining?: number;
  /** From `X-RateLimit-Reset-After` (seconds, with decimals). */
  resetAfterMs?: number;
  /** From `Retry-After` on a 429 (seconds). */
  retryAfterMs?: number;
  scope?: RateLimitScope;
  global: boolean;
}

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (typeof headers.get === 'function')
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | number | undefined>)[name];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}

function numberOf(headers: HeaderSource, name: string): number | undefined {
  const raw = headerValue(headers, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function readRateLimit(headers: HeaderSource): RateLimitHeaders {
  const resetAfter = numberOf(headers, 'x-ratelimit-reset-after');
  const retryAfter = numberOf(headers, 'retry-after');
  const scope = headerValue(headers, 'x-ratelimit-scope');
  return {
    bucket: headerValue(headers, 'x-ratelimit-bucket'),
    limit: numberOf(headers, 'x-ratelimit-limit'),
    remaining: numberOf(headers, 'x-ratelimit-remaining'),
    resetAfterMs: resetAfter === undefined ? undefined : Math.ceil(resetAfter * 1000),
    retryAfterMs: retryAfter === undefined ? undefined : Math.ceil(retryAfter * 1000),
    scope: scope === 'user' || scope === 'global' || scope === 'shared' ? scope : undefined,
    global: headerValue(headers, 'x-ratelimit-global') === 'true',
  };
}
