/**
 * The envelopes (and, within each, the handlers) this process has already finished, so a
 * redelivered envelope does not run a handler twice. Bounded: the oldest envelopes are forgotten
 * first. Only this process is covered; across processes the broker's dedupe window (JetStream
 * `Nats-Msg-Id`) or a shared store must do it.
 */
export class RecentlyHandled {
  // Insertion-ordered: the first key is the oldest. Each value holds the handler keys that finished.
  readonly #envelopes = new Map<string, Set<string>>();

  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 0)
      throw new RangeError('capacity must be a whole number >= 0');
  }

  get size(): number {
    return this.#envelopes.size;
  }

  /** Whether `handlerKey` has already finished for `envelopeId`. */
  has(envelopeId: string, handlerKey: string): boolean {
    return this.#envelopes.get(envelopeId)?.has(handlerKey) ?? false;
  }

  /** Records that `handlerKey` finished for `envelopeId`. */
  add(envelopeId: string, handlerKey: string): void {
    if (this.capacity === 0) return;
    let handlers = this.#envelopes.get(envelopeId);
    if (!handlers) {
      handlers = new Set();
      this.#envelopes.set(envelopeId, handlers);
      while (this.#envelopes.size > this.capacity) {
        const oldest = this.#envelopes.keys().next().value as string;
        this.#envelopes.delete(oldest);
      }
    }
    handlers.add(handlerKey);
  }
}
