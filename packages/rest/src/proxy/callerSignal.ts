/**
 * An abort signal for one proxied call: what the limiter and undici need of an `AbortSignal`
 * (`aborted`, `reason`, abort listeners) without an AbortController's or EventEmitter's set-up
 * cost, which showed up on the per-request profile.
 */
export class CallerSignal {
  aborted = false;
  reason: unknown;
  #listeners: (() => void)[] = [];

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }

  /** Every listener runs once at most: `abort` clears them. */
  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }
}
