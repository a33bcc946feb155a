/** One Prometheus registry per service, with Node's default metrics. */
import { collectDefaultMetrics, type Metric, type MetricValueWithName, Registry } from 'prom-client';

export { Counter, Gauge, Histogram, Registry, Summary } from 'prom-client';

export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: 'shardwire_' });
  return registry;
}

export interface CountingHistogramConfiguration {
  name: string;
  help: string;
  /** Upper bounds, ascending; `+Inf` is added. */
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A histogram without labels whose `observe` is one bucket increment, for a per-event path:
 * prom-client's `Histogram` builds and hashes a label set on every observation, which on the
 * gateway's per-envelope publish path cost more than the broker's own work. Exported as a
 * Prometheus histogram like prom-client's.
 */
export class CountingHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: readonly number[];
  /** Observations per bucket (not cumulative); the last one is `+Inf`. */
  #counts: Float64Array;
  #sum = 0;

  constructor({ name, help, buckets, registers }: CountingHistogramConfiguration) {
    if (buckets.some((bound, i) => i > 0 && bound <= buckets[i - 1]!))
      throw new TypeError(`${name}: buckets must ascend`);
    this.name = name;
    this.help = help;
    this.#bounds = [...buckets];
    this.#counts = new Float64Array(buckets.length + 1);
    // prom-client's Registry takes any object with its metric shape (name, help, type, get).
    for (const registry of registers) registry.registerMetric(this as unknown as Metric);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: ${value} is not a finite number`);
    const bounds = this.#bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.#counts[bucket]!++;
    this.#sum += value;
  }

  get(): {
    name: string;
    help: string;
    type: 'histogram';
    values: MetricValueWithName<string>[];
    aggregator: 'sum';
  } {
    const values: MetricValueWithName<string>[] = [];
    let cumulative = 0;
    for (let bucket = 0; bucket < this.#counts.length; bucket++) {
      cumulative += this.#counts[bucket]!;
      const le = bucket < this.#bounds.length ? this.#bounds[bucket]! : '+Inf';
      values.push({ metricName: `${this.name}_bucket`, labels: { le }, value: cumulative });
    }
    values.push({ metricName: `${this.name}_sum`, labels: {}, value: this.#sum });
    values.push({ metricName: `${this.name}_count`, labels: {}, value: cumulative });
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.#counts = new Float64Array(this.#bounds.length + 1);
    this.#sum = 0;
  }
}
