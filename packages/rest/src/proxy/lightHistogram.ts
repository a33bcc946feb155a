/**
 * A label-free Prometheus histogram whose `observe` is a bucket search and two additions: prom-client's
 * `Histogram.observe` builds, validates and hashes a label object on every call, which showed up on the
 * proxy's per-request profile (two observations per request). Registered on a prom-client `Registry`,
 * it is exposed exactly as prom-client's own histograms are (`_bucket{le}`, `_sum`, `_count`).
 */
import type { Registry } from '@shardwire/core';

export interface LightHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending; `+Inf` is added. */
  buckets: readonly number[];
  registers: Registry[];
}

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

export class LightHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #bounds: Float64Array;
  /** Per bound, observations that fell at or under it and over the one before (not cumulative). */
  #counts: Float64Array;
  #sum = 0;
  #count = 0;

  constructor(options: LightHistogramOptions) {
    for (let i = 1; i < options.buckets.length; i++)
      if (!(options.buckets[i]! > options.buckets[i - 1]!))
        throw new Error(`${options.name}: buckets must ascend`);
    this.name = options.name;
    this.help = options.help;
    this.#bounds = Float64Array.from(options.buckets);
    this.#counts = new Float64Array(options.buckets.length + 1);
    for (const registry of options.registers) registry.registerMetric(this as never);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: not a finite number: ${value}`);
    const bounds = this.#bounds;
    let at = 0;
    while (at < bounds.length && value > bounds[at]!) at++;
    this.#counts[at]!++;
    this.#sum += value;
    this.#count++;
  }

  reset(): void {
    this.#counts = new Float64Array(this.#bounds.length + 1);
    this.#sum = 0;
    this.#count = 0;
  }

  /** What a prom-client `Registry` reads to expose the metric. */
  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: MetricValue[];
  }> {
    const values: MetricValue[] = [];
    const bucket = `${this.name}_bucket`;
    let cumulative = 0;
    for (let i = 0; i < this.#bounds.length; i++) {
      cumulative += this.#counts[i]!;
      values.push({ labels: { le: this.#bounds[i]! }, value: cumulative, metricName: bucket });
    }
    values.push({ labels: { le: '+Inf' }, value: this.#count, metricName: bucket });
    values.push({ labels: {}, value: this.#sum, metricName: `${this.name}_sum` });
    values.push({ labels: {}, value: this.#count, metricName: `${this.name}_count` });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
