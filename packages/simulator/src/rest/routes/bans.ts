/** Guild bans: list, get, ban (PUT), unban (DELETE). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { banOf, bansOf, banUser, unbanUser } from '../../world/bans.js';
import { botOf, guildFor, type Params, type RestContext } from '../context.js';
import { DiscordHttpError, Errors, parseBody } from '../errors.js';

const banBody = z.object({
  delete_message_days: z.number().int().min(0).max(7).optional(),
  delete_message_seconds: z.number().int().min(0).max(604_800).optional(),
});
const unknownBan = () => new DiscordHttpError(404, 10026, 'Unknown Ban');

type BanParams = { Params: Params<'guild_id' | 'user_id'> };

export function banRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;

  app.get<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/bans', async (request) =>
    bansOf(world, guildFor(world, botOf(request), request.params.guild_id)),
  );

  app.get<BanParams>('/guilds/:guild_id/bans/:user_id', async (request) => {
    const ban = banOf(
      world,
      guildFor(world, botOf(request), request.params.guild_id),
      request.params.user_id,
    );
    if (!ban) throw unknownBan();
    return ban;
  });

  app.put<BanParams>('/guilds/:guild_id/bans/:user_id', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    parseBody(banBody, request.body);
    if (!world.store.users.has(request.params.user_id)) throw Errors.unknownUser();
    const reason = request.headers['x-audit-log-reason'];
    banUser(
      world,
      guild,
      request.params.user_id,
      typeof reason === 'string' ? decodeURIComponent(reason) : null,
    );
    return reply.code(204).send();
  });

  app.delete<BanParams>('/guilds/:guild_id/bans/:user_id', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    if (!unbanUser(world, guild, request.params.user_id)) throw unknownBan();
    return reply.code(204).send();
  });
}
