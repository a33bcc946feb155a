/**
 * `POST /reshard` and `GET /reshard` on the gateway's ops server: start a reshard (to `shards`, or
 * Discord's recommendation) and follow it. `shardwire gateway reshard` calls them.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ReshardResult } from '../manager/Resharder.js';

export interface Reshardable {
  readonly shardCount: number;
  readonly resharding: boolean;
  reshard(count?: number): Promise<ReshardResult>;
}

export interface ReshardStatus {
  running: boolean;
  shardCount: number;
  last?: { ok: true; result: ReshardResult } | { ok: false; error: string };
}

const request = z.object({ shards: z.coerce.number().int().positive().max(1_000_000).optional() }).strict();

export function registerReshardRoutes(app: FastifyInstance, manager: Reshardable): void {
  let last: ReshardStatus['last'];
  const status = (): ReshardStatus => ({
    running: manager.resharding,
    shardCount: manager.shardCount,
    ...(last ? { last } : {}),
  });
  app.get('/reshard', async () => status());
  app.post('/reshard', async (req, reply) => {
    const parsed = request.safeParse({
      ...((req.query ?? {}) as object),
      ...(req.body && typeof req.body === 'object' ? req.body : {}),
    });
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: `expected { shards?: positive integer }: ${parsed.error.issues[0]?.message}` });
    }
    if (manager.resharding)
      return reply.code(409).send({ error: 'a reshard is already under way', ...status() });
    const started = manager.reshard(parsed.data.shards);
    started.then(
      (result) => {
        last = { ok: true, result };
      },
      (err: unknown) => {
        last = { ok: false, error: (err as Error).message };
      },
    );
    // A refusal (wrong process, stopped) comes at once: answer it rather than 202.
    const early = await Promise.race([
      started.then(
        () => undefined,
        (err: unknown) => err as Error,
      ),
      new Promise<null>((resolve) => setImmediate(() => resolve(null))),
    ]);
    if (early instanceof Error) return reply.code(409).send({ error: early.message });
    return reply.code(202).send({
      ...status(),
      running: true,
      from: manager.shardCount,
      to: parsed.data.shards ?? 'recommended',
    });
  });
}
