/** A Rest that records each request and answers message posts with a message, as Discord would. */
import type { Rest, RestRequest } from '@shardwire/rest';
import type { APIMessage } from 'discord-api-types/v10';

export class RecordingRest implements Rest {
  readonly requests: RestRequest[] = [];
  #ids = 1_000_000_000_000_000_000n;
  /** Throw this (once each) from the next requests, to test failures. */
  readonly failures: unknown[] = [];

  async request<T = unknown>(request: RestRequest): Promise<T> {
    this.requests.push(request);
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const posted = /^\/channels\/(\d+)\/messages$/.exec(request.path);
    if (request.method === 'POST' && posted) {
      const body = (request.body ?? {}) as Record<string, unknown>;
      return { ...body, id: String(this.#ids++), channel_id: posted[1] } as unknown as T;
    }
    return undefined as T;
  }

  /** The `content` of every message posted, in order. */
  get contents(): string[] {
    return this.requests
      .filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))
      .map((r) => String((r.body as Partial<APIMessage>).content));
  }
}
