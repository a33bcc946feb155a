/** Request/reply and broadcast between responders in the same process. */
import type { Clock } from '@shardwire/core';
import type { RequestOptions, Subscription } from '../Broker.js';
import { NoRespondersError, RemoteError, RequestTimeoutError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, jsonCopy, validateSubject } from '../rpc.js';

type Responder = {
  handler: (payload: unknown) => unknown;
  inFlight: Set<Promise<unknown>>;
};

export class MemoryRpc {
  readonly #responders = new Map<string, Responder[]>();
  readonly #next = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  respond(subject: string, handler: (payload: unknown) => unknown): Subscription {
    validateSubject(subject);
    const responder: Responder = { handler, inFlight: new Set() };
    const list = this.#responders.get(subject) ?? [];
    list.push(responder);
    this.#responders.set(subject, list);
    return {
      close: async () => {
        const current = this.#responders.get(subject) ?? [];
        const at = current.indexOf(responder);
        if (at >= 0) current.splice(at, 1);
        if (current.length === 0) this.#responders.delete(subject);
        await Promise.allSettled([...responder.inFlight]);
      },
    };
  }

  async request(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    validateSubject(subject);
    const list = this.#responders.get(subject);
    if (!list || list.length === 0) throw new NoRespondersError(subject);
    const turn = (this.#next.get(subject) ?? 0) % list.length;
    this.#next.set(subject, turn + 1);
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    return this.#withTimeout(subject, timeoutMs, this.#ask(subject, list[turn]!, payload));
  }

  async broadcast(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown[]> {
    validateSubject(subject);
    const list = this.#responders.get(subject) ?? [];
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const replies: unknown[] = [];
    let pending = list.length;
    if (pending === 0) return replies;
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => resolve(replies), timeoutMs);
      for (const responder of list) {
        this.#ask(subject, responder, payload)
          .then((reply) => replies.push(reply))
          .catch(() => {})
          .finally(() => {
            if (--pending === 0) {
              timer.cancel();
              resolve([...replies]);
            }
          });
      }
    });
  }

  async close(): Promise<void> {
    const all = [...this.#responders.values()].flat();
    this.#responders.clear();
    await Promise.allSettled(all.flatMap((r) => [...r.inFlight]));
  }

  #ask(subject: string, responder: Responder, payload: unknown): Promise<unknown> {
    const run = (async () => {
      try {
        return jsonCopy(await responder.handler(jsonCopy(payload)));
      } catch (error) {
        throw new RemoteError(subject, error instanceof Error ? error.message : String(error));
      }
    })();
    responder.inFlight.add(run);
    void run.catch(() => {}).finally(() => responder.inFlight.delete(run));
    return run;
  }

  #withTimeout<T>(subject: string, timeoutMs: number, work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new RequestTimeoutError(subject, timeoutMs)),
        timeoutMs,
      );
      work.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (error) => {
          timer.cancel();
          reject(error);
        },
      );
    });
  }
}
