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
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: 'good' }));
    await publishEnvelope(harness.broker, envelope('GUILD_CREATE', { id: 'bad' }));
    await vi.waitFor(async () => expect(await harness.broker.deadLetters.list()).toHaveLength(1));

    const counts = (await registry.getSingleMetric('shardwire_worker_envelopes_total')!.get()).values;
    const byOutcome = Object.fromEntries(counts.map((v) => [v.labels.outcome, v.value]));
    expect(byOutcome).toEqual({ handled: 1, retry: 1, dead_lettered: 1 });
    expect(counts.every((v) => v.labels.event === 'GUILD_CREATE')).toBe(true);
    const timings = await registry.getSingleMetricAsString('shardwire_worker_handle_seconds');
    expect(timings).toContain('shardwire_worker_handle_seconds_count{event="GUILD_CREATE"} 3');
  });
});
