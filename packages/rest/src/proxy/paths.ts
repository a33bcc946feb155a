/** Which part of an incoming URL is Discord's, and which headers cross the proxy. */
import type { IncomingHttpHeaders } from 'node:http';

export interface ApiPath {
  /** `/v10`, `/v9` or '' for an unversioned route (`/api/oauth2/token`). */
  version: string;
  /** The route under the version, without the query (`/channels/1/messages`). */
  path: string;
  /** `?…` or ''. */
  query: string;
}

const VERSIONED = /^\/api\/(v\d{1,2})(\/.*)?$/;

/** `undefined` for anything that is not a Discord API URL, or that tries to climb out of it. */
export function parseApiPath(url: string): ApiPath | undefined {
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  if (
    pathname.includes('/../') ||
    pathname.endsWith('/..') ||
    pathname.includes('/./') ||
    pathname.includes('\\')
  ) {
    return undefined;
  }
  const versioned = VERSIONED.exec(pathname);
  if (versioned) {
    const path = versioned[2] ?? '/';
    return { version: `/${versioned[1]}`, path, query };
  }
  if (pathname.startsWith('/api/')) return { version: '', path: pathname.slice(4), query };
  return undefined;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the proxy's own: never forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'expect',
]);

export const PROXY_HEADER_PREFIX = 'x-shardwire-';

/** The caller's headers as sent upstream: `Authorization` and the rest kept, hop-by-hop dropped. */
export function upstreamHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith(PROXY_HEADER_PREFIX)) continue;
    out[name] = value;
  }
  return out;
}

/** Discord's answer headers as returned to the caller. */
export function downstreamHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  return out;
}
