/** Guilds, roles and members. */
import { GatewayIntentBits } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { guildObject } from '../../gateway/payloads.js';
import { memberWithUser } from '../../state/factories.js';
import { compareIds } from '../../state/ids.js';
import { botOf, guildFor, type Params, type RestContext } from '../context.js';
import { Errors, parseBody } from '../errors.js';
import { intParam, snowflakeParam } from '../query.js';

const guildPatch = z.object({
  name: z.string().min(2).max(100).optional(),
  description: z.string().max(300).nullable().optional(),
});
const rolePatch = z.object({
  name: z.string().max(100).optional(),
  permissions: z.string().regex(/^\d+$/).optional(),
  color: z.number().int().min(0).max(0xffffff).optional(),
  hoist: z.boolean().optional(),
  mentionable: z.boolean().optional(),
});
const memberPatch = z.object({
  nick: z.string().max(32).nullable().optional(),
  roles: z.array(z.string()).optional(),
});

type GuildParams = { Params: Params<'guild_id'> };
type RoleParams = { Params: Params<'guild_id' | 'role_id'> };
type MemberParams = { Params: Params<'guild_id' | 'user_id'> };

export function guildRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const { store } = world;

  app.get<GuildParams & { Querystring: { with_counts?: string } }>('/guilds/:guild_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const counts =
      request.query.with_counts === 'true'
        ? { approximate_member_count: guild.members.size, approximate_presence_count: 0 }
        : {};
    return { ...guildObject(guild), ...counts };
  });

  app.patch<GuildParams>('/guilds/:guild_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const body = parseBody(guildPatch, request.body);
    world.updateGuild(guild, {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
    });
    return guildObject(guild);
  });

  app.get<GuildParams>('/guilds/:guild_id/roles', async (request) => [
    ...guildFor(world, botOf(request), request.params.guild_id).roles.values(),
  ]);

  app.get<RoleParams>('/guilds/:guild_id/roles/:role_id', async (request) => {
    const role = guildFor(world, botOf(request), request.params.guild_id).roles.get(request.params.role_id);
    if (!role) throw Errors.unknownRole();
    return role;
  });

  /** Role positions: `[{ id, position }]`; GUILD_ROLE_UPDATE for each role moved; the roles in position order. */
  app.patch<GuildParams>('/guilds/:guild_id/roles', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const moves = parseBody(
      z.array(z.object({ id: z.string(), position: z.number().int().min(0).nullable().optional() })).max(250),
      request.body,
    );
    for (const move of moves) {
      const role = guild.roles.get(move.id);
      if (!role) throw Errors.unknownRole();
      if (move.position != null && move.position !== role.position)
        world.updateRole(guild, role, { position: move.position });
    }
    return [...guild.roles.values()].sort((a, b) => a.position - b.position || compareIds(a.id, b.id));
  });

  app.post<GuildParams>('/guilds/:guild_id/roles', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    return world.createRole(guild, parseBody(rolePatch, request.body));
  });

  app.patch<RoleParams>('/guilds/:guild_id/roles/:role_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const role = guild.roles.get(request.params.role_id);
    if (!role) throw Errors.unknownRole();
    return world.updateRole(guild, role, parseBody(rolePatch, request.body));
  });

  app.delete<RoleParams>('/guilds/:guild_id/roles/:role_id', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    if (!guild.roles.has(request.params.role_id)) throw Errors.unknownRole();
    world.deleteRole(guild, request.params.role_id);
    return reply.code(204).send();
  });

  app.get<GuildParams & { Querystring: { limit?: string; after?: string } }>(
    '/guilds/:guild_id/members',
    async (request) => {
      const bot = botOf(request);
      const guild = guildFor(world, bot, request.params.guild_id);
      // Listing members needs the GUILD_MEMBERS privileged intent enabled for the app.
      if ((bot.privilegedIntents & GatewayIntentBits.GuildMembers) === 0) throw Errors.missingAccess();
      const limit = intParam(request.query.limit, 'limit', 1, 1000, 1);
      const after = snowflakeParam(request.query.after, 'after') ?? '0';
      return [...guild.members.keys()]
        .filter((id) => compareIds(id, after) > 0)
        .sort(compareIds)
        .slice(0, limit)
        .map((id) => memberWithUser(guild.members.get(id)!, store.users.get(id)!));
    },
  );

  app.get<MemberParams>('/guilds/:guild_id/members/:user_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const member = guild.members.get(request.params.user_id);
    const user = store.users.get(request.params.user_id);
    if (!member || !user) throw Errors.unknownMember();
    return memberWithUser(member, user);
  });

  app.patch<MemberParams>('/guilds/:guild_id/members/:user_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const userId = request.params.user_id;
    const member = guild.members.get(userId);
    if (!member) throw Errors.unknownMember();
    const body = parseBody(memberPatch, request.body);
    const unknownRole = body.roles?.find((id) => !guild.roles.has(id));
    if (unknownRole) throw Errors.unknownRole();
    world.updateMember(guild, userId, {
      ...(body.nick !== undefined ? { nick: body.nick } : {}),
      ...(body.roles !== undefined ? { roles: body.roles } : {}),
    });
    return memberWithUser(member, store.users.get(userId)!);
  });

  app.delete<MemberParams>('/guilds/:guild_id/members/:user_id', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    if (!guild.members.has(request.params.user_id)) throw Errors.unknownMember();
    world.removeMember(guild, request.params.user_id);
    return reply.code(204).send();
  });

  const memberRole =
    (add: boolean) =>
    async (
      request: { params: Params<'guild_id' | 'user_id' | 'role_id'>; bot: unknown },
      reply: { code(n: number): { send(): unknown } },
    ) => {
      const guild = guildFor(world, botOf(request as never), request.params.guild_id);
      const member = guild.members.get(request.params.user_id);
      if (!member) throw Errors.unknownMember();
      if (!guild.roles.has(request.params.role_id)) throw Errors.unknownRole();
      const roles = new Set(member.roles);
      if (add) roles.add(request.params.role_id);
      else roles.delete(request.params.role_id);
      world.updateMember(guild, request.params.user_id, { roles: [...roles] });
      return reply.code(204).send();
    };
  app.put('/guilds/:guild_id/members/:user_id/roles/:role_id', memberRole(true) as never);
  app.delete('/guilds/:guild_id/members/:user_id/roles/:role_id', memberRole(false) as never);
}
