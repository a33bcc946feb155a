/** The loss tests as a vitest suite, run per backend from its test file (after its contract suite). */
import { expect, it } from 'vitest';
import type { Broker } from '../Broker.js';
import { type LossOptions, recordLossResult, runLossTest } from './loss.js';
import type { ServerControl } from './servers.js';

/** `BROKER_LOSS_FULL=1`: 100,000 envelopes (minutes); otherwise a CI-sized run. */
export const fullLossRun = process.env.BROKER_LOSS_FULL === '1';

/**
 * `BROKER_RESTART_TESTS=1`: also the tests that restart the shared RabbitMQ and NATS servers.
 * `npm test` runs them in a second pass, after every other test, so a restart never pulls a server
 * from under another test file running beside them.
 */
export const restartTests = process.env.BROKER_RESTART_TESTS === '1';

export function runLossSuite(
  backend: string,
  url: string,
  open: (url: string) => Promise<Broker>,
  server: ServerControl,
  cleanup: () => Promise<void>,
  diagnose?: (missing: string[]) => Promise<unknown>,
): void {
  const envelopes = fullLossRun ? 100_000 : 4_000;
  const base = {
    url,
    openPublisher: () => open(url),
    envelopes,
    consumers: 2,
    ratePerSecond: fullLossRun ? 4_000 : 1_000,
    settleMs: fullLossRun ? 300_000 : 90_000,
    ...(diagnose ? { diagnose } : {}),
  } satisfies Partial<LossOptions>;
  const timeout = fullLossRun ? 1_800_000 : 180_000;

  it(`handles every envelope while consumers are SIGKILLed (${backend})`, { timeout }, async () => {
    const options: LossOptions = { ...base, killEveryMs: fullLossRun ? 1_000 : 400 };
    try {
      const result = await runLossTest(options);
      console.info(`loss test ${backend} kills`, JSON.stringify(result, null, 1));
      if (fullLossRun) recordLossResult(`${backend}-kills`, options, result);
      expect(result.kills).toBeGreaterThan(0);
      expect(result.missing).toBe(0);
      expect(result.unknown).toBe(0);
    } finally {
      await cleanup();
    }
  });

  it.runIf(restartTests)(
    `handles every envelope while the ${server.name} server restarts and consumers are SIGKILLed`,
    {
      timeout,
    },
    async () => {
      const options: LossOptions = {
        ...base,
        killEveryMs: fullLossRun ? 2_000 : 1_500,
        server,
        downMs: 2_000,
      };
      try {
        const result = await runLossTest(options);
        console.info(`loss test ${backend} restart`, JSON.stringify(result, null, 1));
        if (fullLossRun) recordLossResult(`${backend}-restart`, options, result);
        expect(result.restarts).toBe(1);
        expect(result.missing).toBe(0);
        expect(result.unknown).toBe(0);
      } finally {
        await server.start();
        await cleanup();
      }
    },
  );
}
