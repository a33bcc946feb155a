/** The broker's Prometheus metrics, the same names for every backend (label `backend`). */
import { Counter, Gauge, Histogram, type Registry } from '@shardwire/core';

type DepthSource = () => Promise<Map<string, number>> | Map<string, number>;

export interface BrokerMetrics {
  published(): void;
  /** One confirmed publish and how long its confirm took, in ms. */
  confirmed(latencyMs: number): void;
  rejected(): void;
  delivered(group: string, redelivery: boolean): void;
  acked(group: string): void;
  nacked(group: string): void;
  deadLettered(group: string): void;
  /** How long the oldest message waiting for a group (bounded by `maxAgeMs`) has waited, in ms. */
  oldestWaiting(group: string, ageMs: number): void;
  /** Registers a source of queue depths per group, read when `/metrics` is scraped. */
  depthSource(source: DepthSource): () => void;
}

const noop = () => {};
export const noMetrics: BrokerMetrics = {
  published: noop,
  confirmed: noop,
  rejected: noop,
  delivered: noop,
  acked: noop,
  nacked: noop,
  deadLettered: noop,
  oldestWaiting: noop,
  depthSource: () => noop,
};

interface Instruments {
  published: Counter<'backend'>;
  confirmed: Counter<'backend'>;
  rejected: Counter<'backend'>;
  delivered: Counter<'backend' | 'group'>;
  redelivered: Counter<'backend' | 'group'>;
  acked: Counter<'backend' | 'group'>;
  nacked: Counter<'backend' | 'group'>;
  deadLettered: Counter<'backend' | 'group'>;
  confirmLatency: Histogram<'backend'>;
  oldestWaiting: Gauge<'backend' | 'group'>;
  sources: Set<{ backend: string; source: DepthSource }>;
}

// One set of instruments per registry, so brokers sharing a registry do not register twice.
const perRegistry = new WeakMap<Registry, Instruments>();

function instrumentsOf(registry: Registry): Instruments {
  const existing = perRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name: `shardwire_broker_${name}`, help, labelNames, registers });
  const sources = new Set<{ backend: string; source: DepthSource }>();
  const made: Instruments = {
    published: counter('published_total', 'Messages handed to the broker to publish', ['backend']),
    confirmed: counter('confirmed_total', 'Publishes the broker confirmed as durable', ['backend']),
    rejected: counter('rejected_total', 'Publishes the broker refused (full queue, negative confirm)', [
      'backend',
    ]),
    delivered: counter('delivered_total', 'Messages delivered to a handler', ['backend', 'group']),
    redelivered: counter('redelivered_total', 'Deliveries that were redeliveries', ['backend', 'group']),
    acked: counter('acked_total', 'Messages acknowledged', ['backend', 'group']),
    nacked: counter('nacked_total', 'Messages negatively acknowledged (handler threw)', ['backend', 'group']),
    deadLettered: counter('dead_lettered_total', 'Messages moved to the dead-letter queue', [
      'backend',
      'group',
    ]),
    confirmLatency: new Histogram({
      name: 'shardwire_broker_publish_confirm_seconds',
      help: 'Time from publish to broker confirm',
      labelNames: ['backend'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    oldestWaiting: new Gauge({
      name: 'shardwire_broker_oldest_waiting_seconds',
      help: 'Age of the oldest message waiting for a group with a maxAgeMs (NATS)',
      labelNames: ['backend', 'group'],
      registers,
    }),
    sources,
  };
  new Gauge({
    name: 'shardwire_broker_queue_depth',
    help: 'Messages waiting in a group queue (ready, not yet delivered)',
    labelNames: ['backend', 'group'],
    registers,
    async collect() {
      this.reset();
      for (const { backend, source } of sources) {
        try {
          for (const [group, depth] of await source()) this.set({ backend, group }, depth);
        } catch {
          // A backend that cannot answer now (reconnecting) reports nothing rather than failing the scrape.
        }
      }
    },
  });
  perRegistry.set(registry, made);
  return made;
}

export function createBrokerMetrics(backend: string, registry: Registry | undefined): BrokerMetrics {
  if (!registry) return noMetrics;
  const m = instrumentsOf(registry);
  const b = { backend };
  return {
    published: () => m.published.inc(b),
    confirmed: (latencyMs) => {
      m.confirmed.inc(b);
      m.confirmLatency.observe(b, latencyMs / 1000);
    },
    rejected: () => m.rejected.inc(b),
    delivered: (group, redelivery) => {
      m.delivered.inc({ backend, group });
      if (redelivery) m.redelivered.inc({ backend, group });
    },
    acked: (group) => m.acked.inc({ backend, group }),
    nacked: (group) => m.nacked.inc({ backend, group }),
    deadLettered: (group) => m.deadLettered.inc({ backend, group }),
    oldestWaiting: (group, ageMs) => m.oldestWaiting.set({ backend, group }, ageMs / 1000),
    depthSource: (source) => {
      const entry = { backend, source };
      m.sources.add(entry);
      return () => m.sources.delete(entry);
    },
  };
}
