/** A tiny Discord gateway for the gateway's tests: HELLO, IDENTIFY/READY, RESUME with replay, ACKs. */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { constants, createDeflate, type Deflate } from 'node:zlib';
import { type WebSocket, WebSocketServer } from 'ws';

export interface FakeGatewayOptions {
  heartbeatIntervalMs?: number;
  /** Answer heartbeats with op 11. Default true. */
  ack?: boolean;
}

interface Sent {
  op: number;
  d: unknown;
}

export interface FakeConnection {
  ws: WebSocket;
  query: URLSearchParams;
  received: Sent[];
  sessionId?: string;
  shard?: [number, number];
  deflate?: Deflate;
}

interface Session {
  id: string;
  shard: [number, number];
  seq: number;
  log: { s: number; t: string; d: unknown }[];
}

export class FakeGateway {
  readonly connections: FakeConnection[] = [];
  readonly sessions = new Map<string, Session>();
  readonly identifies: { shard: [number, number]; at: number }[] = [];
  readonly resumes: { sessionId: string; seq: number }[] = [];
  options: Required<FakeGatewayOptions>;
  #server: WebSocketServer;
  #next = 0;

  private constructor(server: WebSocketServer, options: FakeGatewayOptions) {
    this.#server = server;
    this.options = { heartbeatIntervalMs: 45_000, ack: true, ...options };
    server.on('connection', (ws, request) => this.#accept(ws, request.url ?? '/'));
  }

  static async start(options: FakeGatewayOptions = {}): Promise<FakeGateway> {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    return new FakeGateway(server, options);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Connections still open. */
  get open(): FakeConnection[] {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  /** Sends a dispatch on the session of `shard` (logged so a RESUME can replay it). */
  dispatch(shard: number, t: string, d: unknown, options: { lost?: boolean } = {}): number {
    const session = [...this.sessions.values()].find((s) => s.shard[0] === shard);
    if (!session) throw new Error(`no session on shard ${shard}`);
    const s = ++session.seq;
    session.log.push({ s, t, d });
    const conn = this.open.find((c) => c.sessionId === session.id);
    if (conn && !options.lost) this.send(conn, { op: 0, s, t, d });
    return s;
  }

  send(conn: FakeConnection, payload: unknown): void {
    const text = JSON.stringify(payload);
    if (!conn.deflate) {
      conn.ws.send(text);
      return;
    }
    // One flush per payload, sent as two frames to exercise partial input.
    conn.deflate.write(text);
    conn.deflate.flush(constants.Z_SYNC_FLUSH, () => {
      const out = conn.deflate!.read() as Buffer | null;
      if (!out) return;
      const cut = Math.floor(out.length / 2);
      conn.ws.send(out.subarray(0, cut), { binary: true });
      conn.ws.send(out.subarray(cut), { binary: true });
    });
  }

  async waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.ws.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(ws: WebSocket, path: string): void {
    const query = new URL(path, 'ws://x').searchParams;
    const conn: FakeConnection = { ws, query, received: [] };
    if (query.get('compress') === 'zlib-stream') {
      conn.deflate = createDeflate({ flush: constants.Z_SYNC_FLUSH });
    }
    this.connections.push(conn);
    this.send(conn, { op: 10, d: { heartbeat_interval: this.options.heartbeatIntervalMs } });
    ws.on('message', (raw) => {
      const payload = JSON.parse(raw.toString()) as Sent;
      conn.received.push(payload);
      this.#onPayload(conn, payload);
    });
  }

  #onPayload(conn: FakeConnection, payload: Sent): void {
    switch (payload.op) {
      case 1:
        if (this.options.ack) this.send(conn, { op: 11 });
        return;
      case 2: {
        const d = payload.d as { shard: [number, number] };
        const id = `session-${++this.#next}`;
        const session: Session = { id, shard: d.shard, seq: 0, log: [] };
        for (const [key, old] of this.sessions) if (old.shard[0] === d.shard[0]) this.sessions.delete(key);
        this.sessions.set(id, session);
        this.identifies.push({ shard: d.shard, at: Date.now() });
        conn.sessionId = id;
        conn.shard = d.shard;
        const s = ++session.seq;
        const ready = {
          v: 10,
          session_id: id,
          resume_gateway_url: this.url,
          user: { id: '1', username: 'bot' },
          guilds: [],
          shard: d.shard,
          application: { id: '1', flags: 0 },
        };
        session.log.push({ s, t: 'READY', d: ready });
        this.send(conn, { op: 0, s, t: 'READY', d: ready });
        return;
      }
      case 6: {
        const d = payload.d as { session_id: string; seq: number };
        const session = this.sessions.get(d.session_id);
        this.resumes.push({ sessionId: d.session_id, seq: d.seq });
        if (!session) {
          this.send(conn, { op: 9, d: false });
          return;
        }
        conn.sessionId = session.id;
        conn.shard = session.shard;
        for (const entry of session.log) if (entry.s > d.seq) this.send(conn, { op: 0, ...entry });
        const s = ++session.seq;
        session.log.push({ s, t: 'RESUMED', d: null });
        this.send(conn, { op: 0, s, t: 'RESUMED', d: null });
        return;
      }
    }
  }
}
