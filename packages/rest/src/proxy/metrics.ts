/** The rest-proxy's Prometheus metrics: requests by route and status, queues, 429s, upstream latency. */
import { Counter, Gauge, type Registry } from '@shardwire/core';
import type { Limiter } from '../limiter/Limiter.js';
import { LightHistogram } from './lightHistogram.js';

export interface ProxyMetrics {
  /**
   * Counts one answer: a plain number per route and status, handed to the counter when `/metrics` is
   * read (prom-client validates and hashes the labels on every `inc`, even through a cached child).
   */
  answered(route: string, status: number): void;
  rateLimited: Counter<'route' | 'scope'>;
  refused: Counter<'reason'>;
  queueWait: LightHistogram;
  upstreamLatency: LightHistogram;
  /** Bounds label values so a flood of odd paths cannot blow up the registry. */
  routeLabel(route: string): string;
}

const MAX_ROUTES = 500;

export function createProxyMetrics(registry: Registry, limiter: Limiter): ProxyMetrics {
  const routes = new Set<string>();
  const answers = new Map<string, Map<number, { count: number }>>();
  new Gauge({
    name: 'shardwire_rest_queue_depth',
    help: 'Requests waiting in bucket queues',
    registers: [registry],
    collect() {
      this.set(limiter.stats().queued);
    },
  });
  new Gauge({
    name: 'shardwire_rest_in_flight',
    help: 'Requests sent upstream and not yet answered',
    registers: [registry],
    collect() {
      this.set(limiter.stats().inFlight);
    },
  });
  new Counter({
    name: 'shardwire_rest_requests_total',
    help: 'Answers returned to callers, by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [route, byStatus] of answers)
        for (const [status, { count }] of byStatus) this.inc({ route, status: String(status) }, count);
    },
  });
  return {
    answered(route, status) {
      let byStatus = answers.get(route);
      if (!byStatus) {
        byStatus = new Map();
        answers.set(route, byStatus);
      }
      const tally = byStatus.get(status);
      if (tally) tally.count++;
      else byStatus.set(status, { count: 1 });
    },
    rateLimited: new Counter({
      name: 'shardwire_rest_429_total',
      help: '429 answers from upstream, by route and scope',
      labelNames: ['route', 'scope'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'shardwire_rest_refused_total',
      help: 'Requests answered by the proxy itself (deadline, full queue, invalid-request guard, secret)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    queueWait: new LightHistogram({
      name: 'shardwire_rest_queue_wait_seconds',
      help: 'Time a request waited for its rate limit',
      buckets: [0.001, 0.01, 0.05, 0.25, 1, 5, 30],
      registers: [registry],
    }),
    upstreamLatency: new LightHistogram({
      name: 'shardwire_rest_upstream_seconds',
      help: 'Time to the upstream answer headers',
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    routeLabel(route) {
      if (routes.has(route)) return route;
      if (routes.size >= MAX_ROUTES) return 'other';
      routes.add(route);
      return route;
    },
  };
}
