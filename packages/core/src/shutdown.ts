/** Graceful shutdown: hooks run in reverse order of registration on SIGINT/SIGTERM, within a deadline. */
import type { Logger } from 'pino';

export type ShutdownHook = () => Promise<void> | void;

export class Shutdown {
  readonly #hooks: { name: string; hook: ShutdownHook }[] = [];
  #running: Promise<void> | undefined;

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

  /**
   * Resolves once SIGINT or SIGTERM has arrived and every hook has run: a service's main loop.
   * Later signals are absorbed: a terminal's Ctrl-C reaches both `npx` and this process, and npx
   * forwards it again, which must not kill a shutdown in progress (the hooks have their own deadline).
   */
  untilSignal(): Promise<void> {
    return new Promise((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => {
        void this.run(signal).then(resolve);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    });
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
