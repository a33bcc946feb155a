/** Fault injection on live gateway sessions: `POST /_sim/shards/:id/{disconnect,reconnect,invalidate,zombie}`. */
import { GatewayOpcodes } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GatewaySession, SessionTransport } from '../gateway/session.js';
import type { SessionRegistry } from '../gateway/sessionRegistry.js';
import { Errors, parseBody } from '../rest/errors.js';
import { intParam } from '../rest/query.js';
import type { World } from '../world/world.js';

export type Fault = 'disconnect' | 'reconnect' | 'invalidate' | 'zombie';

const invalidateSchema = z.object({ resumable: z.boolean().optional() });

/** Applies one fault to a connected session. */
export function applyFault(
  sessions: SessionRegistry,
  session: GatewaySession,
  transport: SessionTransport,
  fault: Fault,
  options: { resumable?: boolean } = {},
): void {
  switch (fault) {
    case 'disconnect':
      // No close frame: the session stays resumable, as after a network drop.
      transport.terminate();
      return;
    case 'reconnect':
      transport.sendOp(GatewayOpcodes.Reconnect, null);
      return;
    case 'invalidate': {
      const resumable = options.resumable ?? false;
      if (!resumable) {
        sessions.end(session);
        transport.detach();
      }
      transport.sendOp(GatewayOpcodes.InvalidSession, resumable);
      return;
    }
    case 'zombie':
      transport.ackHeartbeats = false;
      return;
  }
}

export function faultRoutes(
  app: FastifyInstance,
  options: { world: World; sessions: SessionRegistry },
): void {
  const { world, sessions } = options;
  for (const fault of ['disconnect', 'reconnect', 'invalidate', 'zombie'] as const) {
    app.post<{ Params: { shard_id: string }; Querystring: { bot?: string } }>(
      `/_sim/shards/:shard_id/${fault}`,
      async (request) => {
        const shardId = intParam(request.params.shard_id, 'shard_id', 0, 1_000_000, 0);
        const botId = request.query.bot ?? world.defaultBot.user.id;
        const body = fault === 'invalidate' ? parseBody(invalidateSchema, request.body) : {};
        const targets = [...sessions.forShardId(botId, shardId)].flatMap((session) =>
          session.transport ? [{ session, transport: session.transport }] : [],
        );
        if (targets.length === 0) throw Errors.notFound();
        for (const { session, transport } of targets) applyFault(sessions, session, transport, fault, body);
        return { sessions: targets.map(({ session }) => session.id) };
      },
    );
  }
}
