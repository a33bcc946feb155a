/**
 * One upstream attempt on undici's dispatch API: the answer's status and headers are judged the
 * moment they arrive, then its body goes straight to the caller (with backpressure) or is dropped
 * (a 429 to re-queue). No intermediate body stream: it was a good part of the per-request cost.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { Permit } from '../limiter/Limiter.js';
import type { CallerSignal } from './callerSignal.js';
import { downstreamHeaders } from './paths.js';

export type Decision = 'forward' | 'discard';

export interface CallResult {
  status: number;
  forwarded: boolean;
}

/**
 * Resolves once the answer is fully relayed or dropped; rejects only when the attempt failed before
 * any answer arrived (the caller then decides whether it may be sent again). `permit.sent()` is
 * called when the request is being written to its connection (once it has one).
 */
export function callUpstream(
  upstream: Dispatcher,
  options: Dispatcher.DispatchOptions,
  res: ServerResponse,
  caller: CallerSignal,
  decide: (status: number, headers: IncomingHttpHeaders) => Decision,
  permit: Pick<Permit, 'sent'>,
): Promise<CallResult> {
  return new Promise((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let forwarding = false;
    const onAbort = () => controller?.abort(caller.reason as Error);
    caller.addEventListener('abort', onAbort);
    const done = () => caller.removeEventListener('abort', onAbort);
    upstream.dispatch(options, {
      onRequestStart(started) {
        controller = started;
        if (caller.aborted) started.abort(caller.reason as Error);
        else permit.sent();
      },
      onResponseStart(_controller, statusCode, headers) {
        if (statusCode < 200) return; // informational: the real answer follows
        status = statusCode;
        if (decide(statusCode, headers) === 'forward') {
          forwarding = true;
          res.writeHead(statusCode, downstreamHeaders(headers));
        }
      },
      onResponseData(active, chunk) {
        if (forwarding && !res.write(chunk)) {
          active.pause();
          res.once('drain', () => active.resume());
        }
      },
      onResponseEnd() {
        done();
        if (forwarding) res.end();
        resolve({ status, forwarded: forwarding });
      },
      onResponseError(_controller, error) {
        done();
        if (status === 0) return reject(error);
        if (forwarding) res.destroy(error); // broke off mid-answer: the caller sees a cut connection
        resolve({ status, forwarded: forwarding });
      },
    });
  });
}
