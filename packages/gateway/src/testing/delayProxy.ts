/**
 * Test helper: a TCP proxy that delays what the server sends on connections opened while `slow` is
 * set (in order), so one shard set can lag behind another on the same gateway.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DelayProxy {
  slow = false;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(targetPort: number, delayMs: number): Promise<DelayProxy> {
    const server = createServer();
    const proxy = new DelayProxy(server);
    server.on('connection', (client) => {
      const slow = proxy.slow;
      const upstream = connect(targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        proxy.#sockets.add(s);
        s.on('close', () => proxy.#sockets.delete(s));
        s.on('error', () => {});
      }
      client.on('data', (chunk) => upstream.write(chunk));
      upstream.on('data', (chunk) => {
        if (!slow) client.write(chunk);
        else setTimeout(() => client.writable && client.write(chunk), delayMs);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => setTimeout(() => client.destroy(), slow ? delayMs : 0));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
  }
}
