/** Graceful shutdown: hooks run in reverse order of registration on SIGINT/SIGTERM, within a deadline. */
import { once } from 'node:events';
import type { Logger } from 'pino';

export type ShutdownHook = () => Promise<void> | void;

export class Shutdown {
  readonly #hooks: { name: string; hook: ShutdownHook }[] = [];
  #running: Promise<void> | undefined;
  readonly #signalled = new AbortController();
  #listening = false;
  /** Start-up is over once the service waits in `untilSignal()`. */
  #started = false;

  constructor(
    private readonly logger: Logger,
    private readonly deadlineMs = 4_500,
  ) {}

  /** Registers a hook; the last registered stops first (workers before the broker they use). */
  add(name: string, hook: ShutdownHook): void {
    this.#hooks.push({ name, hook });
  }

  /** Runs every hook once; a failing or slow hook is logged and does not stop the others. */
  run(reason: string): Promise<void> {
    this.#running ??= (async () => {
      this.logger.info({ reason }, 'shutting down');
      for (const { name, hook } of [...this.#hooks].reverse()) {
        const timer = new Promise<'timeout'>((resolve) =>
          setTimeout(resolve, this.deadlineMs, 'timeout').unref(),
        );
        try {
          const outcome = await Promise.race([Promise.resolve(hook()).then(() => 'done' as const), timer]);
          if (outcome === 'timeout') this.logger.warn({ hook: name }, 'shutdown hook timed out');
        } catch (err) {
          this.logger.error({ err, hook: name }, 'shutdown hook failed');
        }
      }
    })();
    return this.#running;
  }

  /** Aborted by the first SIGINT/SIGTERM after `listen()`: a start-up under way stops early. */
  get signal(): AbortSignal {
    return this.#signalled.signal;
  }

  /**
   * Listens for SIGINT and SIGTERM from now on. Called before start-up, a signal during start-up
   * (connecting, opening shard after shard) aborts `signal` instead of killing the process, and
   * `untilSignal()` shuts down once start-up has stopped. Later signals are absorbed: a terminal's
   * Ctrl-C reaches both `npx` and this process, and npx forwards it again, which must not kill a
   * shutdown in progress (the hooks have their own deadline).
   */
  listen(): void {
    if (this.#listening) return;
    this.#listening = true;
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.#signalled.signal.aborted) return;
      if (!this.#started) this.logger.info({ signal }, `${signal} during start-up: stopping it`);
      this.#signalled.abort(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }

  /** Resolves once SIGINT or SIGTERM has arrived (before this call too) and every hook has run. */
  async untilSignal(): Promise<void> {
    this.#started = true;
    this.listen();
    const { signal } = this;
    if (!signal.aborted) await once(signal, 'abort');
    await this.run(String(signal.reason));
  }

  /** Installs SIGINT/SIGTERM handlers that run the hooks and exit with code 0. */
  installSignalHandlers(exit: (code: number) => void = process.exit): void {
    const onSignal = (signal: NodeJS.Signals) => {
      void this.run(signal).then(() => exit(0));
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
}
