/** A raw gateway client for tests: collects every payload, inflates zlib-stream, waits on conditions. */
import { constants, createInflate, inflateSync } from 'node:zlib';
import WebSocket from 'ws';

/** Arbitrary JSON from the simulator, read loosely by tests. */
// biome-ignore lint/suspicious/noExplicitAny: test payloads are arbitrary JSON
export type Json = any;

export interface Payload {
  op: number;
  d: Json;
  s: number | null;
  t: string | null;
}

export class TestGatewayClient {
  readonly received: Payload[] = [];
  closeCode: number | undefined;
  readonly ws: WebSocket;
  #waiters: (() => void)[] = [];
  #inflate = createInflate({ flush: constants.Z_SYNC_FLUSH });
  #inflated: Buffer[] = [];

  constructor(url: string, options: { zlib?: boolean; raw?: boolean } = {}) {
    this.ws = new WebSocket(url);
    this.#inflate.on('data', (chunk: Buffer) => this.#inflated.push(chunk));
    this.ws.on('message', (data: Buffer, isBinary) => {
      if (options.zlib) {
        this.#inflate.write(data);
        this.#inflate.flush(constants.Z_SYNC_FLUSH, () => {
          const text = Buffer.concat(this.#inflated).toString('utf8');
          this.#inflated = [];
          this.#push(JSON.parse(text));
        });
        return;
      }
      // Binary frames without transport compression are IDENTIFY compress: true payloads (zlib).
      this.#push(JSON.parse(isBinary ? inflateSync(data).toString('utf8') : String(data)));
    });
    this.ws.on('close', (code) => {
      this.closeCode = code;
      this.#notify();
    });
    this.ws.on('error', () => {});
  }

  #push(payload: Payload): void {
    this.received.push(payload);
    this.#notify();
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter();
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === 'string' ? payload : JSON.stringify(payload));
  }

  opened(): Promise<void> {
    if (this.ws.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** Resolves when `predicate` holds; rejects after `timeoutMs` with what was received. */
  async until<T>(predicate: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out; close=${this.closeCode} received=${JSON.stringify(this.received.map((p) => p.t ?? p.op))}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  dispatch(t: string, match: (d: Json) => boolean = () => true, timeoutMs?: number): Promise<Payload> {
    return this.until(() => this.received.find((p) => p.t === t && match(p.d)), timeoutMs);
  }

  dispatches(t: string): Payload[] {
    return this.received.filter((p) => p.t === t);
  }

  closed(timeoutMs?: number): Promise<number> {
    return this.until(() => this.closeCode, timeoutMs);
  }

  lastSeq(): number | null {
    return this.received.reduce<number | null>((seq, p) => p.s ?? seq, null);
  }

  identify(token: string, extra: Record<string, unknown> = {}): void {
    this.send({
      op: 2,
      d: {
        token,
        intents: 33281 | 2 | 256,
        properties: { os: 'linux', browser: 'test', device: 'test' },
        ...extra,
      },
    });
  }

  close(code = 1000): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code);
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** `fetch` with a bot token against the simulator's REST API. */
export function api(restUrl: string, token: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${restUrl}${path}`, {
      method,
      headers: {
        authorization: `Bot ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** JSON against the control API. */
export function control(url: string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const response = await fetch(`${url}/_sim${path}`, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}
