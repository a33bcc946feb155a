import { createMetricsRegistry } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { MemoryLimiter } from '../limiter/MemoryLimiter.js';
import { createProxyMetrics } from './metrics.js';

describe('createProxyMetrics', () => {
  it('counts answers by route and status, the same on every read of /metrics', async () => {
    const registry = createMetricsRegistry('metrics-test');
    const limiter = new MemoryLimiter();
    const metrics = createProxyMetrics(registry, limiter);
    metrics.answered('POST /channels/:id/messages', 200);
    metrics.answered('POST /channels/:id/messages', 200);
    metrics.answered('POST /channels/:id/messages', 429);
    metrics.answered('GET /users/@me', 200);
    metrics.queueWait.observe(0.002);
    for (let read = 0; read < 2; read++) {
      const text = await registry.metrics();
      expect(text).toContain(
        'shardwire_rest_requests_total{route="POST /channels/:id/messages",status="200",service="metrics-test"} 2',
      );
      expect(text).toContain(
        'shardwire_rest_requests_total{route="POST /channels/:id/messages",status="429",service="metrics-test"} 1',
      );
      expect(text).toContain(
        'shardwire_rest_requests_total{route="GET /users/@me",status="200",service="metrics-test"} 1',
      );
      expect(text).toContain('shardwire_rest_queue_wait_seconds_bucket{le="0.01",service="metrics-test"} 1');
      expect(text).toContain('shardwire_rest_queue_wait_seconds_count{service="metrics-test"} 1');
    }
    metrics.answered('GET /users/@me', 200);
    expect(await registry.metrics()).toContain(
      'shardwire_rest_requests_total{route="GET /users/@me",status="200",service="metrics-test"} 2',
    );
    limiter.close();
  });

  it('bounds route labels', () => {
    const metrics = createProxyMetrics(createMetricsRegistry('metrics-test'), new MemoryLimiter());
    for (let i = 0; i < 500; i++) expect(metrics.routeLabel(`GET /r${i}`)).toBe(`GET /r${i}`);
    expect(metrics.routeLabel('GET /one-too-many')).toBe('other');
    expect(metrics.routeLabel('GET /r7')).toBe('GET /r7');
  });
});
