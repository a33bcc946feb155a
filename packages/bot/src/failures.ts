/** What a handler's error means for its envelope: try again later, or never (dead-letter at once). */
import { PoisonMessageError } from '@shardwire/broker';
import type { Envelope } from '@shardwire/core';
import { DiscordAPIError } from '@shardwire/rest';

/**
 * Errors that redelivery cannot cure become a `PoisonMessageError`, which the broker dead-letters
 * without retrying: a malformed envelope, or Discord refusing the request itself (a 4xx other than
 * 408 and 429 — missing permissions, unknown channel, invalid body). Everything else (network,
 * 5xx, timeouts, a bug that may be fixed by a deploy) is retried up to `maxDeliveries`.
 */
export function classifyFailure(error: unknown): unknown {
  if (error instanceof PoisonMessageError) return error;
  if (error instanceof DiscordAPIError && error.status >= 400 && error.status < 500) {
    if (error.status !== 408 && error.status !== 429) {
      return new PoisonMessageError(error.message, { cause: error });
    }
  }
  return error;
}

/** Checks that a delivery's body is an envelope; anything else can never be handled. */
export function asEnvelope(body: unknown): Envelope {
  if (body === null || typeof body !== 'object')
    throw new PoisonMessageError('malformed envelope: not an object');
  const envelope = body as Partial<Envelope>;
  if (typeof envelope.id !== 'string' || envelope.id.length === 0) {
    throw new PoisonMessageError('malformed envelope: no id');
  }
  if (typeof envelope.t !== 'string' || envelope.t.length === 0) {
    throw new PoisonMessageError(`malformed envelope ${envelope.id}: no event name (t)`);
  }
  if (!('d' in envelope)) throw new PoisonMessageError(`malformed envelope ${envelope.id}: no payload (d)`);
  return envelope as Envelope;
}
