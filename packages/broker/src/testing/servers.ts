/** Stops and starts the local RabbitMQ and NATS servers for the loss tests (always started again). */
import { execFile } from 'node:child_process';
import { connect as tcpConnect } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ServerControl {
  name: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export const rabbitmq: ServerControl = {
  name: 'rabbitmq',
  async stop() {
    await run('rabbitmqctl', ['stop_app'], { timeout: 60_000 });
  },
  async start() {
    await run('rabbitmqctl', ['start_app'], { timeout: 120_000 });
    await waitForPort(5672, 120_000);
  },
};

const NATS_ARGS = [
  '-a',
  '127.0.0.1',
  '-p',
  '4222',
  '-js',
  '-sd',
  '/var/lib/nats-server',
  '-l',
  '/var/log/nats-server.log',
];

export const nats: ServerControl = {
  name: 'nats',
  async stop() {
    // SIGTERM, then wait (up to 30 s) for it to exit: JetStream flushes its file store on the way out.
    await run(
      'start-stop-daemon',
      ['--stop', '--oknodo', '--retry', 'TERM/30/KILL/5', '--exec', '/usr/sbin/nats-server'],
      {
        timeout: 60_000,
      },
    );
  },
  async start() {
    await run(
      'start-stop-daemon',
      ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/nats-server', '--', ...NATS_ARGS],
      { timeout: 30_000 },
    );
    await waitForPort(4222, 60_000);
  },
};

/** Stops a server, keeps it down for `downMs`, and starts it again even when stopping failed. */
export async function restart(server: ServerControl, downMs: number): Promise<void> {
  try {
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, downMs));
  } finally {
    await server.start();
  }
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
