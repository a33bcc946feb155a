import { Registry } from '@shardwire/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHarness, envelope, type Harness, publishEnvelope } from './testing/index.js';

let harness: Harness;
afterEach(() => harness?.close());

describe('worker metrics', () => {
  it('counts envelopes by event and outcome, and times them', async () => {
    const registry = new Registry();
    harness = await createHarness({ metrics: registry, maxDeliveries: 2 });
    harness.worker.on('GUILD_CREATE', (guild) => {
      if (guild.id === 'bad') throw new Error('boom');
    });
    await harness.worker.start();
    const good = envelope('GUILD_CREATE', { id: 'good' });
    await publishEnvelope(harness.broker, good);
    await publishEnvelope(harness.broker, good);
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: 'bad' }));
    const outcomes = async () => {
      const counts = (await registry.getSingleMetric('shardwire_worker_envelopes_total')!.get()).values;
      expect(counts.every((v) => v.labels.event === 'GUILD_CREATE')).toBe(true);
      return Object.fromEntries(counts.map((v) => [v.labels.outcome, v.value]));
    };
    await vi.waitFor(async () => expect(Object.keys(await outcomes())).toHaveLength(4));
    expect(await outcomes()).toEqual({ handled: 1, duplicate: 1, retry: 1, dead_lettered: 1 });
    const timings = await registry.getSingleMetricAsString('shardwire_worker_handle_seconds');
    expect(timings).toContain('shardwire_worker_handle_seconds_count{event="GUILD_CREATE"} 4');
  });
});
