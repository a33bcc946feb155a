/** The REST seam: how every service talks to Discord's HTTP API (through the rest-proxy by default). */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RestFile {
  name: string;
  data: Uint8Array | Blob;
  contentType?: string;
}

export interface RestRequest {
  method: HttpMethod;
  /** Path under the API version, e.g. `/channels/123/messages`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON, or as `payload_json` beside `files`. */
  body?: unknown;
  files?: RestFile[];
  /** `X-Audit-Log-Reason`. */
  reason?: string;
  headers?: Record<string, string>;
  /** Send the bot's `Authorization` header. Default true. */
  auth?: boolean;
  signal?: AbortSignal;
}

/** Discord's error answer (`{ code, message, errors }`) with the request that earned it. */
export class DiscordAPIError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly method: HttpMethod,
    readonly path: string,
    readonly errors?: unknown,
  ) {
    super(`${method} ${path}: ${status} ${message}${code ? ` (code ${code})` : ''}`);
    this.name = 'DiscordAPIError';
  }
}

export interface Rest {
  request<T = unknown>(request: RestRequest): Promise<T>;
}
