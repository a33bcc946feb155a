/** Application commands, global and per guild: list, create (upsert by name), get, edit, delete, bulk overwrite. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { botOf, guildFor, type Params, type RestContext } from '../context.js';
import { DiscordHttpError, Errors, parseBody } from '../errors.js';

const CHAT_INPUT_NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const commandSchema = z
  .object({
    name: z.string().min(1).max(32),
    type: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).optional(),
    description: z.string().max(100).optional(),
    options: z.array(z.unknown()).max(25).optional(),
    default_member_permissions: z.string().regex(/^\d+$/).nullable().optional(),
    nsfw: z.boolean().optional(),
  })
  .superRefine((command, issues) => {
    if ((command.type ?? 1) !== 1) return;
    if (!CHAT_INPUT_NAME.test(command.name) || command.name !== command.name.toLowerCase())
      issues.addIssue({ code: 'custom', path: ['name'], message: 'Command name is invalid' });
    if (!command.description)
      issues.addIssue({ code: 'custom', path: ['description'], message: 'This field is required' });
  });
const patchSchema = z.object({
  name: z.string().min(1).max(32).optional(),
  description: z.string().max(100).optional(),
  options: z.array(z.unknown()).max(25).optional(),
  default_member_permissions: z.string().regex(/^\d+$/).nullable().optional(),
  nsfw: z.boolean().optional(),
});

type Scoped = Params<'application_id'> & Partial<Params<'guild_id' | 'command_id'>>;

export function commandRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const { commands } = world;

  /** The app (it must be the caller's) and the scope: "" for global, else a guild the bot is in. */
  const scopeOf = (request: FastifyRequest<{ Params: Scoped }>) => {
    const bot = botOf(request);
    if (request.params.application_id !== bot.applicationId) throw Errors.missingAccess();
    const scope = request.params.guild_id ? guildFor(world, bot, request.params.guild_id).guild.id : '';
    return { appId: bot.applicationId, scope };
  };

  for (const base of [
    '/applications/:application_id/commands',
    '/applications/:application_id/guilds/:guild_id/commands',
  ]) {
    app.get<{ Params: Scoped }>(base, async (request) => {
      const { appId, scope } = scopeOf(request);
      return commands.list(appId, scope);
    });
    app.post<{ Params: Scoped }>(base, async (request, reply) => {
      const { appId, scope } = scopeOf(request);
      const { command, created } = commands.upsert(appId, scope, parseBody(commandSchema, request.body));
      return reply.code(created ? 201 : 200).send(command);
    });
    app.put<{ Params: Scoped }>(base, async (request) => {
      const { appId, scope } = scopeOf(request);
      const body = parseBody(z.array(commandSchema).max(scope ? 100 : 200), request.body);
      const names = body.map((c) => `${c.type ?? 1}:${c.name}`);
      if (new Set(names).size !== names.length)
        throw Errors.invalidFormBody({
          _errors: [
            {
              code: 'APPLICATION_COMMANDS_DUPLICATE_NAME',
              message: 'Application command names must be unique',
            },
          ],
        });
      return commands.overwrite(appId, scope, body);
    });
    app.get<{ Params: Scoped }>(`${base}/:command_id`, async (request) => {
      const { appId, scope } = scopeOf(request);
      const command = commands.get(appId, scope, request.params.command_id ?? '');
      if (!command) throw unknownCommand();
      return command;
    });
    app.patch<{ Params: Scoped }>(`${base}/:command_id`, async (request) => {
      const { appId, scope } = scopeOf(request);
      const command = commands.patch(
        appId,
        scope,
        request.params.command_id ?? '',
        parseBody(patchSchema, request.body),
      );
      if (!command) throw unknownCommand();
      return command;
    });
    app.delete<{ Params: Scoped }>(`${base}/:command_id`, async (request, reply) => {
      const { appId, scope } = scopeOf(request);
      if (!commands.delete(appId, scope, request.params.command_id ?? '')) throw unknownCommand();
      return reply.code(204).send();
    });
  }
}

const unknownCommand = () => new DiscordHttpError(404, 10063, 'Unknown application command');
