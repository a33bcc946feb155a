/**
 * Message nonces that make replies idempotent across redeliveries: the same envelope, handler and
 * send index always give the same nonce, and Discord (with `enforce_nonce`) returns the message it
 * already created for a nonce seen in the last few minutes instead of posting it again.
 */
import { createHash } from 'node:crypto';

/** Discord accepts nonces of up to 25 characters. */
export const NONCE_LENGTH = 25;

export function replyNonce(envelopeId: string, handlerKey: string, sendIndex: number): string {
  return createHash('sha256')
    .update(`${envelopeId}\u0000${handlerKey}\u0000${sendIndex}`)
    .digest('base64url')
    .slice(0, NONCE_LENGTH);
}
