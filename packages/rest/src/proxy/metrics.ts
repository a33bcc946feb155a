/** The rest-proxy's Prometheus metrics: requests by route and status, queues, 429s, upstream latency. */
import { Counter, Gauge, Histogram, type Registry } from '@shardwire/core';
import type { Limiter } from '../limiter/Limiter.js';

export interface ProxyMetrics {
  /** Counts one answer (children are cached: labelling per request is the costly part). */
  answered(route: string, status: number): void;
  rateLimited: Counter<'route' | 'scope'>;
  refused: Counter<'reason'>;
  queueWait: Histogram;
  upstreamLatency: Histogram;
  /** Bounds label values so a flood of odd paths cannot blow up the registry. */
  routeLabel(route: string): string;
}

const MAX_ROUTES = 500;

export function createProxyMetrics(registry: Registry, limiter: Limiter): ProxyMetrics {
  const routes = new Set<string>();
  const answers = new Map<string, Map<number, Counter.Internal>>();
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
  const requests = new Counter({
    name: 'shardwire_rest_requests_total',
    help: 'Answers returned to callers, by route and status',
    labelNames: ['route', 'status'],
    registers: [registry],
  });
  return {
    answered(route, status) {
      let byStatus = answers.get(route);
      if (!byStatus) {
        byStatus = new Map();
        answers.set(route, byStatus);
      }
      let child = byStatus.get(status);
      if (!child) {
        child = requests.labels({ route, status: String(status) });
        byStatus.set(status, child);
      }
      child.inc();
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
    queueWait: new Histogram({
      name: 'shardwire_rest_queue_wait_seconds',
      help: 'Time a request waited for its rate limit',
      buckets: [0.001, 0.01, 0.05, 0.25, 1, 5, 30],
      registers: [registry],
    }),
    upstreamLatency: new Histogram({
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
