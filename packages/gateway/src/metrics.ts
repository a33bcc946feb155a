/** The gateway's Prometheus metrics, one set per registry: managers sharing a registry share them. */
import { Counter, CountingHistogram, Gauge, type Registry } from '@shardwire/core';

const byRegistry = new WeakMap<Registry, GatewayMetrics>();

export class GatewayMetrics {
  readonly shardsByState: Gauge;
  readonly heartbeatLatency: Gauge;
  readonly events: Counter;
  readonly reconnects: Counter;
  readonly resumes: Counter;
  readonly identifies: Counter;
  readonly sessionBudget: Gauge;
  readonly publishLatency: CountingHistogram;
  readonly inFlight: Gauge;
  readonly spoolBytes: Gauge;
  readonly splitLayoutOk: Gauge;
  /** Each manager adds a source of `[shard, bytes]` for the spool depth gauge. */
  readonly spoolSources = new Set<() => [number, number][]>();
  /** Each manager adds a source of its envelopes in flight (pushed to a pipeline, not yet safe). */
  readonly inFlightSources = new Set<() => number>();
  /**
   * Dispatches counted since the last scrape, by type. Counting is a Map increment per dispatch;
   * `events_total` takes the counts when it is collected (a labelled `inc` per dispatch cost more
   * than the rest of the metrics of the ingest path together).
   */
  readonly #eventCounts = new Map<string, number>();

  /** The metrics registered in `registry`, made on first use. */
  static for(registry: Registry): GatewayMetrics {
    let metrics = byRegistry.get(registry);
    if (!metrics) {
      metrics = new GatewayMetrics(registry);
      byRegistry.set(registry, metrics);
    }
    return metrics;
  }

  private constructor(registry: Registry) {
    const config = (name: string, help: string, labelNames: string[] = []) => ({
      name: `shardwire_gateway_${name}`,
      help,
      labelNames,
      registers: [registry],
    });
    const counts = this.#eventCounts;
    const spoolSources = this.spoolSources;
    const inFlightSources = this.inFlightSources;

    this.shardsByState = new Gauge(config('shards', 'Shards owned by this process, by state', ['state']));
    this.heartbeatLatency = new Gauge(
      config('heartbeat_latency_ms', 'Last heartbeat round trip, per shard', ['shard']),
    );
    this.events = new Counter({
      ...config('events_total', 'Dispatches received, by type', ['type']),
      collect() {
        for (const [type, count] of counts) this.inc({ type }, count);
        counts.clear();
      },
    });
    this.reconnects = new Counter(
      config('reconnects_total', 'Connections lost and retried, by action', ['action']),
    );
    this.resumes = new Counter(config('resumes_total', 'Sessions resumed'));
    this.identifies = new Counter(config('identifies_total', 'IDENTIFY payloads sent'));
    this.sessionBudget = new Gauge(
      config('session_start_remaining', "Identifies left in Discord's daily session start limit"),
    );
    this.inFlight = new Gauge({
      ...config(
        'envelopes_in_flight',
        'Envelopes received and not yet safe (confirmed by the broker or spooled)',
      ),
      collect() {
        let total = 0;
        for (const source of inFlightSources) total += source();
        this.set(total);
      },
    });
    this.spoolBytes = new Gauge({
      ...config('spool_bytes', 'Envelopes waiting in the disk spool for the broker, in bytes', ['shard']),
      collect() {
        for (const source of spoolSources)
          for (const [shard, bytes] of source()) this.set({ shard: String(shard) }, bytes);
      },
    });
    this.splitLayoutOk = new Gauge(
      config(
        'split_layout_ok',
        "With SHARD_IDS: 1 when the bot's processes run one layout and each shard once, 0 when not (at the last check)",
      ),
    );
    this.publishLatency = new CountingHistogram({
      ...config('publish_confirm_ms', 'Time from publish to broker confirm'),
      buckets: [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000],
    });
  }

  /** Counts one dispatch of type `t` (added to `events_total` at the next scrape). */
  countEvent(t: string): void {
    this.#eventCounts.set(t, (this.#eventCounts.get(t) ?? 0) + 1);
  }
}
