/** Errors every backend throws alike, so callers can tell "nobody answered" from "too slow". */

/** A request found no responder for its subject. */
export class NoRespondersError extends Error {
  constructor(readonly subject: string) {
    super(`no responder for "${subject}"`);
    this.name = 'NoRespondersError';
  }
}

/** A request got no reply within its timeout. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`request "${subject}" got no reply within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

/** The responder threw; its message travels back to the requester. */
export class RemoteError extends Error {
  constructor(
    readonly subject: string,
    message: string,
  ) {
    super(`responder of "${subject}" failed: ${message}`);
    this.name = 'RemoteError';
  }
}

/** The broker refused a publish (a group at its `maxLength`, or a negative confirm). Nothing was dropped silently. */
export class PublishRejectedError extends Error {
  constructor(
    readonly routingKey: string,
    reason: string,
  ) {
    super(`publish to "${routingKey}" refused: ${reason}`);
    this.name = 'PublishRejectedError';
  }
}

/** The broker was closed. */
export class BrokerClosedError extends Error {
  constructor() {
    super('broker is closed');
    this.name = 'BrokerClosedError';
  }
}

/** The reason a failed handler gives, for the dead-letter queue. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
