/**
 * Request/reply on core NATS: responders of a subject form a queue group (one answers a request);
 * each also listens on the broadcast subject, where the asker gathers replies until its timeout.
 */
import type { Logger } from '@shardwire/core';
import {
  createInbox,
  ErrorCode,
  type Msg,
  type NatsConnection,
  type NatsError,
  type Subscription as NatsSub,
} from 'nats';
import type { RequestOptions, Subscription } from '../Broker.js';
import { NoRespondersError, RemoteError, RequestTimeoutError } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, decodeReply, encodeBody, encodeReply, validateSubject } from '../rpc.js';
import type { NatsNames } from './subjects.js';

const QUEUE = 'responders';

export class NatsRpc {
  readonly #responders = new Set<Subscription>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: NatsNames,
    private readonly logger: Logger | undefined,
  ) {}

  respond(subject: string, handler: (payload: unknown) => unknown): Subscription {
    validateSubject(subject);
    const inFlight = new Set<Promise<void>>();
    const answer = (msg: Msg) => {
      const run = (async () => {
        let reply: Uint8Array;
        try {
          const value = await handler(JSON.parse(Buffer.from(msg.data).toString('utf8')));
          reply = encodeReply({ ok: true, value: value === undefined ? null : value });
        } catch (error) {
          reply = encodeReply({ ok: false, error: error instanceof Error ? error.message : String(error) });
        }
        if (msg.reply && !this.nc.isClosed()) msg.respond(reply);
      })().catch((error: unknown) => this.logger?.debug({ subject, err: error }, 'could not reply'));
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    };
    const subs: NatsSub[] = [
      this.nc.subscribe(this.names.rpcSubject(subject), { queue: QUEUE, callback: (_e, m) => answer(m) }),
      this.nc.subscribe(this.names.broadcastSubject(subject), { callback: (_e, m) => answer(m) }),
    ];
    let closing: Promise<void> | undefined;
    const subscription: Subscription = {
      close: () => {
        closing ??= (async () => {
          for (const sub of subs) sub.unsubscribe();
          await Promise.allSettled([...inFlight]);
          this.#responders.delete(subscription);
        })();
        return closing;
      },
    };
    this.#responders.add(subscription);
    return subscription;
  }

  async request(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown> {
    validateSubject(subject);
    const timeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let msg: Msg;
    try {
      msg = await this.nc.request(this.names.rpcSubject(subject), Buffer.from(encodeBody(payload)), {
        timeout,
      });
    } catch (error) {
      const code = (error as NatsError).code;
      if (code === ErrorCode.NoResponders) throw new NoRespondersError(subject);
      if (code === ErrorCode.Timeout) throw new RequestTimeoutError(subject, timeout);
      throw error;
    }
    const reply = decodeReply(msg.data);
    if (!reply.ok) throw new RemoteError(subject, reply.error);
    return reply.value;
  }

  broadcast(subject: string, payload: unknown, options: RequestOptions = {}): Promise<unknown[]> {
    validateSubject(subject);
    const timeout = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const inbox = createInbox();
    const replies: unknown[] = [];
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        sub.unsubscribe();
        resolve(replies);
      };
      const sub = this.nc.subscribe(inbox, {
        callback: (_error, msg) => {
          // A status message without payload: nobody listens on the subject.
          if (msg.headers?.code === 503) return finish();
          try {
            const reply = decodeReply(msg.data);
            if (reply.ok) replies.push(reply.value);
          } catch {
            // A malformed reply is not a reply.
          }
        },
      });
      const timer = setTimeout(finish, timeout);
      this.nc.publish(this.names.broadcastSubject(subject), Buffer.from(encodeBody(payload)), {
        reply: inbox,
      });
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.#responders].map((r) => r.close()));
  }
}
