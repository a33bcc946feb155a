/** `POST /_sim/load { eventsPerSecond, seconds, mix? }`, `GET /_sim/load`, `DELETE /_sim/load`. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseBody } from '../rest/errors.js';
import { LOAD_EVENTS } from '../world/loadEvents.js';
import type { LoadGenerator } from '../world/loadGenerator.js';

const weight = z.number().min(0).max(1000);
export const loadSchema = z.object({
  eventsPerSecond: z.number().positive().max(1_000_000),
  seconds: z.number().positive().max(86_400),
  mix: z.partialRecord(z.enum(LOAD_EVENTS), weight).optional(),
});

export function loadRoutes(app: FastifyInstance, load: LoadGenerator): void {
  app.post('/_sim/load', async (request, reply) => {
    const body = parseBody(loadSchema, request.body);
    return reply.code(202).send(load.start(body));
  });
  app.get('/_sim/load', async () => load.status());
  app.delete('/_sim/load', async () => {
    load.stop();
    return load.status();
  });
}
