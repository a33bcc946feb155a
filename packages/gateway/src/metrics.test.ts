import { Registry } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './metrics.js';

describe('GatewayMetrics', () => {
  it('is one set per registry', () => {
    const registry = new Registry();
    expect(GatewayMetrics.for(registry)).toBe(GatewayMetrics.for(registry));
    expect(GatewayMetrics.for(new Registry())).not.toBe(GatewayMetrics.for(registry));
  });

  it('adds the dispatches counted since the last scrape to events_total', async () => {
    const registry = new Registry();
    const metrics = GatewayMetrics.for(registry);
    metrics.countEvent('MESSAGE_CREATE');
    metrics.countEvent('MESSAGE_CREATE');
    metrics.countEvent('TYPING_START');
    let text = await registry.metrics();
    expect(text).toMatch(/shardwire_gateway_events_total\{type="MESSAGE_CREATE"\} 2\n/);
    expect(text).toMatch(/shardwire_gateway_events_total\{type="TYPING_START"\} 1\n/);
    metrics.countEvent('MESSAGE_CREATE');
    text = await registry.metrics();
    expect(text).toMatch(/shardwire_gateway_events_total\{type="MESSAGE_CREATE"\} 3\n/);
    expect(text).toMatch(/shardwire_gateway_events_total\{type="TYPING_START"\} 1\n/);
  });

  it('sums every source of envelopes in flight at scrape time', async () => {
    const registry = new Registry();
    const metrics = GatewayMetrics.for(registry);
    let first = 3;
    metrics.inFlightSources.add(() => first);
    metrics.inFlightSources.add(() => 4);
    expect(await registry.metrics()).toMatch(/shardwire_gateway_envelopes_in_flight 7\n/);
    first = 0;
    expect(await registry.metrics()).toMatch(/shardwire_gateway_envelopes_in_flight 4\n/);
  });
});
