import { createMetricsRegistry, Histogram } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { LightHistogram } from './lightHistogram.js';

const lines = (text: string, name: string) =>
  text.split('\n').filter((line) => line.startsWith(name) || line.includes(` ${name} `));

describe('LightHistogram', () => {
  it('exposes exactly what prom-client would for the same observations', async () => {
    const buckets = [0.001, 0.01, 0.05, 0.25, 1];
    const samples = [0, 0.0005, 0.001, 0.002, 0.01, 0.3, 0.3, 1, 7.5];
    const ours = createMetricsRegistry('light-test');
    const theirs = createMetricsRegistry('light-test');
    const light = new LightHistogram({ name: 'x_seconds', help: 'h', buckets, registers: [ours] });
    const reference = new Histogram({ name: 'x_seconds', help: 'h', buckets, registers: [theirs] });
    for (const value of samples) {
      light.observe(value);
      reference.observe(value);
    }
    const got = lines(await ours.metrics(), 'x_seconds');
    expect(got).toContain('x_seconds_bucket{le="0.001",service="light-test"} 3');
    expect(got).toContain('x_seconds_bucket{le="+Inf",service="light-test"} 9');
    expect(got).toEqual(lines(await theirs.metrics(), 'x_seconds'));
  });

  it('reset empties every bucket', async () => {
    const registry = createMetricsRegistry('light-test');
    const light = new LightHistogram({ name: 'y_seconds', help: 'h', buckets: [1], registers: [registry] });
    light.observe(0.5);
    light.reset();
    expect(lines(await registry.metrics(), 'y_seconds')).toContain('y_seconds_count{service="light-test"} 0');
  });

  it('refuses values that are not finite and buckets that do not ascend', () => {
    const registry = createMetricsRegistry('light-test');
    const light = new LightHistogram({ name: 'z_seconds', help: 'h', buckets: [1], registers: [registry] });
    expect(() => light.observe(Number.NaN)).toThrow(/finite/);
    expect(
      () => new LightHistogram({ name: 'w', help: 'h', buckets: [2, 1], registers: [registry] }),
    ).toThrow(/ascend/);
  });
});
