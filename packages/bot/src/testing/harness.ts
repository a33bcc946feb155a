/** One worker wired to a broker, a recording Rest and a cache, torn down after each test. */
import { type Broker, createBroker } from '@shardwire/broker';
import { createWorker, type Worker, type WorkerOptions } from '../Worker.js';
import { FakeCache } from './FakeCache.js';
import { captureLogs, type LogLine } from './logs.js';
import { RecordingRest } from './RecordingRest.js';

export interface Harness {
  broker: Broker;
  rest: RecordingRest;
  cache: FakeCache;
  logs: LogLine[];
  worker: Worker;
  close(): Promise<void>;
}

/** The broker every worker test runs on. */
export async function testBroker(): Promise<Broker> {
  return createBroker('memory:');
}

export async function createHarness(options: Partial<WorkerOptions> = {}): Promise<Harness> {
  const broker = options.broker ?? (await testBroker());
  const rest = new RecordingRest();
  const cache = new FakeCache();
  const { logger, lines } = captureLogs();
  const worker = createWorker({
    broker,
    rest,
    cache: cache.asCache(),
    logger,
    group: `test-${crypto.randomUUID()}`,
    ...options,
  });
  return {
    broker,
    rest,
    cache,
    logs: lines,
    worker,
    async close() {
      await worker.stop();
      await broker.close();
    },
  };
}
