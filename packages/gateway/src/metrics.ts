/** The gateway's Prometheus metrics; several managers in one process (resharding) share them. */
import { Counter, Gauge, Histogram, type Registry } from '@shardwire/core';

export class GatewayMetrics {
  readonly shardsByState: Gauge;
  readonly heartbeatLatency: Gauge;
  readonly events: Counter;
  readonly reconnects: Counter;
  readonly resumes: Counter;
  readonly identifies: Counter;
  readonly sessionBudget: Gauge;
  readonly publishLatency: Histogram;
  readonly inFlight: Gauge;
  readonly spoolBytes: Gauge;
  /** Each manager of the process adds a source of `[shard, bytes]` for the spool depth gauge. */
  readonly spoolSources = new Set<() => [number, number][]>();

  constructor(registry: Registry) {
    // A metric already registered (by another manager of this process) is reused.
    const existing = <M>(name: string) =>
      registry.getSingleMetric(`shardwire_gateway_${name}`) as M | undefined;
    const config = (name: string, help: string, labelNames: string[] = []) => ({
      name: `shardwire_gateway_${name}`,
      help,
      labelNames,
      registers: [registry],
    });
    const gauge = (name: string, help: string, labels?: string[]) =>
      existing<Gauge>(name) ?? new Gauge(config(name, help, labels));
    const counter = (name: string, help: string, labels?: string[]) =>
      existing<Counter>(name) ?? new Counter(config(name, help, labels));

    this.shardsByState = gauge('shards', 'Shards owned by this process, by state', ['state']);
    this.heartbeatLatency = gauge('heartbeat_latency_ms', 'Last heartbeat round trip, per shard', ['shard']);
    this.events = counter('events_total', 'Dispatches received, by type', ['type']);
    this.reconnects = counter('reconnects_total', 'Connections lost and retried, by action', ['action']);
    this.resumes = counter('resumes_total', 'Sessions resumed');
    this.identifies = counter('identifies_total', 'IDENTIFY payloads sent');
    this.sessionBudget = gauge(
      'session_start_remaining',
      "Identifies left in Discord's daily session start limit",
    );
    this.inFlight = gauge('envelopes_in_flight', 'Envelopes received and not yet confirmed by the broker');
    const sources = this.spoolSources;
    this.spoolBytes =
      existing<Gauge>('spool_bytes') ??
      new Gauge({
        ...config('spool_bytes', 'Envelopes waiting in the disk spool for the broker, in bytes', ['shard']),
        collect() {
          for (const source of sources)
            for (const [shard, bytes] of source()) this.set({ shard: String(shard) }, bytes);
        },
      });
    this.publishLatency =
      existing<Histogram>('publish_confirm_ms') ??
      new Histogram({
        ...config('publish_confirm_ms', 'Time from publish to broker confirm'),
        buckets: [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
      });
  }
}
