/** A TCP forwarder whose connections a test can cut: a network drop without the server's help. */
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

export class TcpProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server;
  /** While down, new connections are cut at once: the target looks unreachable. */
  down = false;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const server = createServer();
    const proxy = new TcpProxy(server);
    server.on('connection', (client) => {
      if (proxy.down) {
        client.destroy();
        return;
      }
      const upstream = connect(targetPort, targetHost);
      for (const socket of [client, upstream]) {
        proxy.#sockets.add(socket);
        socket.on('close', () => proxy.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return proxy;
  }

  get port(): number {
    return (this.#server.address() as { port: number }).port;
  }

  /** Cuts every connection at once, as a dead network would (no close frame). */
  dropAll(): number {
    const n = this.#sockets.size;
    for (const socket of this.#sockets) socket.destroy();
    return n / 2;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
