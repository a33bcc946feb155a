/** `GET /gateway` and `GET /gateway/bot`: the simulator's own gateway URL, shard advice and start limits. */
import type { FastifyInstance } from 'fastify';
import type { SessionStartLimits } from '../../gateway/sessionStartLimit.js';
import { botOf, type RestContext } from '../context.js';

/** Discord recommends one shard per 1,000 guilds. */
export function recommendedShards(guildCount: number): number {
  return Math.max(1, Math.ceil(guildCount / 1000));
}

export function gatewayRoutes(
  app: FastifyInstance,
  ctx: RestContext & { startLimits: SessionStartLimits },
): void {
  app.get('/gateway', { config: { auth: false } }, async () => ({ url: ctx.gatewayUrl() }));

  app.get('/gateway/bot', async (request) => {
    const bot = botOf(request);
    return {
      url: ctx.gatewayUrl(),
      shards: recommendedShards(ctx.world.store.guildIdsOfBot(bot.user.id).size),
      session_start_limit: ctx.startLimits.describe(bot.user.id),
    };
  });
}
