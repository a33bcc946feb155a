/** Guild emojis: list, get, create (image data URI; a shared per-guild limit), edit, delete; GUILD_EMOJIS_UPDATE. */
import type { APIEmoji } from 'discord-api-types/v10';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { GuildRecord } from '../../state/records.js';
import type { World } from '../../world/world.js';
import { botOf, guildFor, type Params, type RestContext, takeShared } from '../context.js';
import { DiscordHttpError, parseBody } from '../errors.js';
import { SHARED_LIMITS } from '../rateLimit/routeLimits.js';

const NAME = z.string().regex(/^\w{2,32}$/, 'Must be between 2 and 32 in length and alphanumeric.');
const IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/;
const createSchema = z.object({
  name: NAME,
  image: z.string().regex(IMAGE, 'Invalid image data').max(350_000),
  roles: z.array(z.string()).optional(),
});
const patchSchema = z.object({ name: NAME.optional(), roles: z.array(z.string()).nullable().optional() });
const unknownEmoji = () => new DiscordHttpError(404, 10014, 'Unknown Emoji');
const MAX_EMOJIS = 50;

function emojisUpdate(world: World, guild: GuildRecord): void {
  world.dispatcher.toGuild(guild.guild.id, 'GUILD_EMOJIS_UPDATE', {
    guild_id: guild.guild.id,
    emojis: [...(guild.emojis?.values() ?? [])],
  });
}

export function emojiRoutes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  type EmojiParams = { Params: Params<'guild_id' | 'emoji_id'> };
  const emojiOf = (guild: GuildRecord, id: string) => {
    const emoji = guild.emojis?.get(id);
    if (!emoji) throw unknownEmoji();
    return emoji;
  };

  app.get<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/emojis', async (request) => [
    ...(guildFor(world, botOf(request), request.params.guild_id).emojis?.values() ?? []),
  ]);

  app.get<EmojiParams>('/guilds/:guild_id/emojis/:emoji_id', async (request) =>
    emojiOf(guildFor(world, botOf(request), request.params.guild_id), request.params.emoji_id),
  );

  app.post<{ Params: Params<'guild_id'> }>('/guilds/:guild_id/emojis', async (request, reply) => {
    const bot = botOf(request);
    const guild = guildFor(world, bot, request.params.guild_id);
    const body = parseBody(createSchema, request.body);
    if ((guild.emojis?.size ?? 0) >= MAX_EMOJIS)
      throw new DiscordHttpError(400, 30008, `Maximum number of emojis reached (${MAX_EMOJIS})`);
    takeShared(ctx, SHARED_LIMITS.emojiCreate, guild.guild.id);
    const emoji: APIEmoji = {
      id: world.ids.next(),
      name: body.name,
      roles: body.roles ?? [],
      user: bot.user,
      require_colons: true,
      managed: false,
      animated: body.image.startsWith('data:image/gif'),
      available: true,
    };
    guild.emojis ??= new Map();
    guild.emojis.set(emoji.id!, emoji);
    emojisUpdate(world, guild);
    return reply.code(201).send(emoji);
  });

  app.patch<EmojiParams>('/guilds/:guild_id/emojis/:emoji_id', async (request) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    const emoji = emojiOf(guild, request.params.emoji_id);
    const body = parseBody(patchSchema, request.body);
    if (body.name !== undefined) emoji.name = body.name;
    if (body.roles !== undefined) emoji.roles = body.roles ?? [];
    emojisUpdate(world, guild);
    return emoji;
  });

  app.delete<EmojiParams>('/guilds/:guild_id/emojis/:emoji_id', async (request, reply) => {
    const guild = guildFor(world, botOf(request), request.params.guild_id);
    emojiOf(guild, request.params.emoji_id);
    guild.emojis?.delete(request.params.emoji_id);
    emojisUpdate(world, guild);
    return reply.code(204).send();
  });
}
