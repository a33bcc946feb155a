/** Fault injection for the HTTP API: `POST /_sim/rest/outage { status, seconds }` answers every API request with `status`. */
import type { Clock } from '@shardwire/core';
import type { RequestStage } from './pipeline.js';

const MESSAGES: Record<number, string> = {
  500: '500: Internal Server Error',
  502: '502: Bad Gateway',
  503: '503: Service Unavailable',
  504: '504: Gateway Timeout',
};

export class RestOutage {
  #until = 0;
  #status = 503;

  constructor(private readonly clock: Clock) {}

  start(status: number, ms: number): { status: number; until: number } {
    this.#status = status;
    this.#until = this.clock.now() + ms;
    return { status, until: this.#until };
  }

  stop(): void {
    this.#until = 0;
  }

  /** The status every request gets now, or undefined when there is no outage. */
  current(): number | undefined {
    return this.clock.now() < this.#until ? this.#status : undefined;
  }

  stage(): RequestStage {
    return {
      name: 'outage',
      run: (_request, reply) => {
        const status = this.current();
        if (status === undefined) return;
        reply.code(status).send({ code: 0, message: MESSAGES[status] ?? `${status}: Server Error` });
      },
    };
  }
}
