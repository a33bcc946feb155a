/**
 * An abort signal for one proxied call: what the limiter and undici need of an `AbortSignal`
 * (`aborted`, `reason`, abort listeners) without an AbortController's or EventEmitter's set-up
 * cost, which showed up on the per-request profile.
 */
export class CallerSignal {
  aborted = false;
  reason: unknown;
  /** Made on the first listener: most calls never wait, so never listen. */
  #listeners: (() => void)[] | undefined;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }

  /** Every listener runs once at most: `abort` clears them. */
  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    if (this.#listeners) this.#listeners.push(listener);
    else this.#listeners = [listener];
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.#listeners?.indexOf(listener) ?? -1;
    if (at !== -1) this.#listeners!.splice(at, 1);
  }
}
