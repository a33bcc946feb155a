/** The worker's Prometheus metrics, registered on the service's registry when one is given. */
import { Counter, Histogram, type Registry } from '@shardwire/core';

export type Outcome = 'handled' | 'duplicate' | 'retry' | 'dead_lettered';

export interface WorkerMetrics {
  envelope(event: string, outcome: Outcome): void;
  handleTime(event: string, seconds: number): void;
}

export const noMetrics: WorkerMetrics = { envelope() {}, handleTime() {} };

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  const envelopes = new Counter({
    name: 'shardwire_worker_envelopes_total',
    help: 'Envelopes the worker finished, by event and outcome (handled, duplicate, retry, dead_lettered).',
    labelNames: ['event', 'outcome'],
    registers: [registry],
  });
  const handleSeconds = new Histogram({
    name: 'shardwire_worker_handle_seconds',
    help: 'Time from delivery to ack of an envelope, handlers included.',
    labelNames: ['event'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return {
    envelope: (event, outcome) => envelopes.inc({ event, outcome }),
    handleTime: (event, seconds) => handleSeconds.observe({ event }, seconds),
  };
}
