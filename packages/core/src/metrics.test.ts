import { describe, expect, it } from 'vitest';
import { CountingHistogram, Histogram, Registry } from './metrics.js';

describe('CountingHistogram', () => {
  const buckets = [0.5, 1, 5];

  it("exports what prom-client's Histogram exports for the same observations", async () => {
    const ours = new Registry();
    const theirs = new Registry();
    for (const registry of [ours, theirs]) registry.setDefaultLabels({ service: 'gateway' });
    const counting = new CountingHistogram({
      name: 'latency_ms',
      help: 'Latency',
      buckets,
      registers: [ours],
    });
    const reference = new Histogram({ name: 'latency_ms', help: 'Latency', buckets, registers: [theirs] });
    for (const value of [0, 0.5, 0.7, 1, 3, 5, 9, 120]) {
      counting.observe(value);
      reference.observe(value);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('latency_ms_bucket{le="1",service="gateway"} 4\n');
    expect(text).toContain('latency_ms_count{service="gateway"} 8\n');
  });

  it('starts again from nothing when the registry resets', async () => {
    const registry = new Registry();
    const counting = new CountingHistogram({ name: 'h', help: 'h', buckets, registers: [registry] });
    counting.observe(2);
    registry.resetMetrics();
    counting.observe(0.1);
    const text = await registry.metrics();
    expect(text).toContain('h_bucket{le="0.5"} 1\n');
    expect(text).toContain('h_sum 0.1\n');
  });

  it('refuses a value that is not a finite number, and buckets out of order', () => {
    const counting = new CountingHistogram({ name: 'h', help: 'h', buckets, registers: [] });
    expect(() => counting.observe(Number.NaN)).toThrow(/not a finite number/);
    expect(() => new CountingHistogram({ name: 'h', help: 'h', buckets: [1, 1], registers: [] })).toThrow(
      /ascend/,
    );
  });
});
