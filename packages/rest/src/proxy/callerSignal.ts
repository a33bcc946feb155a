/**
 * An abort signal for one proxied call, on an EventEmitter: what the limiter and undici need of an
 * `AbortSignal` (`aborted`, `reason`, abort listeners) at a fraction of an AbortController's cost,
 * which showed up on the per-request profile.
 */
import { EventEmitter } from 'node:events';

export class CallerSignal extends EventEmitter {
  aborted = false;
  reason: unknown;

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }

  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void {
    if (options?.once) this.once(type, listener);
    else this.on(type, listener);
  }

  removeEventListener(type: 'abort', listener: () => void): void {
    this.off(type, listener);
  }
}
