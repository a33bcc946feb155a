/** `/metrics` and `/healthz` on any service's fastify app. */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface Health {
  ok: boolean;
  [detail: string]: unknown;
}

export function registerOpsRoutes(
  app: FastifyInstance,
  options: { registry: Registry; health: () => Health | Promise<Health> },
): void {
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', options.registry.contentType);
    return options.registry.metrics();
  });
  app.get('/healthz', async (_request, reply) => {
    const health = await options.health();
    reply.code(health.ok ? 200 : 503);
    return health;
  });
}
