/** The request/reply half every backend shares: checks that the broker is open, then asks its RPC engine. */
import type { Broker, RequestOptions, Subscription } from './Broker.js';
import { BrokerClosedError } from './errors.js';

export interface RpcEngine {
  request(subject: string, payload: unknown, options?: RequestOptions): Promise<unknown>;
  respond(subject: string, handler: (payload: unknown) => unknown): Promise<Subscription> | Subscription;
  broadcast(subject: string, payload: unknown, options?: RequestOptions): Promise<unknown[]>;
}

export abstract class RpcBroker implements Pick<Broker, 'request' | 'respond' | 'broadcast'> {
  protected abstract readonly rpc: RpcEngine;
  protected closed = false;

  protected checkOpen(): void {
    if (this.closed) throw new BrokerClosedError();
  }

  async request<Req, Res>(subject: string, payload: Req, options?: RequestOptions): Promise<Res> {
    this.checkOpen();
    return (await this.rpc.request(subject, payload, options)) as Res;
  }

  async respond<Req, Res>(
    subject: string,
    handler: (payload: Req) => Promise<Res> | Res,
  ): Promise<Subscription> {
    this.checkOpen();
    return this.rpc.respond(subject, handler as (payload: unknown) => unknown);
  }

  async broadcast<Req, Res>(subject: string, payload: Req, options?: RequestOptions): Promise<Res[]> {
    this.checkOpen();
    return (await this.rpc.broadcast(subject, payload, options)) as Res[];
  }
}
