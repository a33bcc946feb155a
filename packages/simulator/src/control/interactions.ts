/** `POST /_sim/interactions`: a user uses a command or component; `GET /_sim/interactions/:id`: what the app answered. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Errors, fieldError, parseBody } from '../rest/errors.js';
import { interactionPayload, postSigned, respond } from '../world/interactionFlow.js';
import type { InteractionRecord } from '../world/interactions.js';
import type { World } from '../world/world.js';

const interactionSchema = z.object({
  channel_id: z.string(),
  bot: z.string().optional(),
  user_id: z.string().optional(),
  /** 2 APPLICATION_COMMAND (default), 3 MESSAGE_COMPONENT, 4 AUTOCOMPLETE, 5 MODAL_SUBMIT. */
  type: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).optional(),
  data: z.record(z.string(), z.unknown()),
});

function stateOf(record: InteractionRecord) {
  return {
    id: record.id,
    token: record.token,
    responded: record.response !== undefined,
    response: record.response ?? null,
    original: record.original?.message ?? null,
    followups: record.followups.map((m) => m.message),
  };
}

export function interactionControlRoutes(app: FastifyInstance, world: World, baseUrl: () => string): void {
  const { store } = world;

  app.post('/_sim/interactions', async (request, reply) => {
    const body = parseBody(interactionSchema, request.body);
    const channel = store.channels.get(body.channel_id);
    if (!channel) throw Errors.unknownChannel();
    const guild = store.guilds.get(channel.guild_id);
    const bot = store.bots.get(body.bot ?? world.defaultBot.user.id);
    if (!bot) throw Errors.invalidFormBody(fieldError(['bot'], 'UNKNOWN_BOT', 'No bot with this id.'));
    if (!guild?.botIds.has(bot.user.id)) throw Errors.missingAccess();
    const userId = body.user_id ?? [...guild.members.keys()].find((id) => !store.users.get(id)?.bot);
    const user = userId !== undefined && guild.members.has(userId) ? store.users.get(userId) : undefined;
    if (!user)
      throw Errors.invalidFormBody(
        fieldError(['user_id'], 'UNKNOWN_MEMBER', 'The user must be a member of the guild.'),
      );
    world.interactions.sweep(world.clock.now());
    const record = world.interactions.add({
      id: world.ids.next(),
      bot,
      channel,
      user,
      type: body.type ?? 2,
      data: body.data,
      createdAt: world.clock.now(),
    });
    const payload = interactionPayload(world, record);
    const url = world.interactions.urls.get(bot.user.id);
    if (!url) {
      world.dispatcher.toBotInGuild(bot.user.id, guild.guild.id, 'INTERACTION_CREATE', payload);
      return reply.code(201).send({ ...stateOf(record), delivered: 'gateway' });
    }
    let error: string | undefined;
    try {
      const answer = await postSigned(world, url, payload, world.interactions.keysOf(bot.user.id));
      if (answer.status !== 200) error = `the interactions URL answered ${answer.status}`;
      else respond(world, record, answer.json as { type: number }, baseUrl());
    } catch (err) {
      error = (err as Error).name === 'TimeoutError' ? 'no answer within 3 s' : (err as Error).message;
    }
    return reply.code(201).send({ ...stateOf(record), delivered: 'http', ...(error ? { error } : {}) });
  });

  app.get<{ Params: { interaction_id: string } }>('/_sim/interactions/:interaction_id', async (request) => {
    const record = world.interactions.get(request.params.interaction_id);
    if (!record) throw Errors.notFound();
    return stateOf(record);
  });
}
