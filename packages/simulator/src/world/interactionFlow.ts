/** The life of an interaction: its payload, delivery (gateway or signed HTTP), the first answer and its messages. */
import type { APIEmbed } from 'discord-api-types/v10';
import { DiscordHttpError } from '../rest/errors.js';
import { memberWithUser } from '../state/factories.js';
import type { BotRecord, MessageRecord } from '../state/records.js';
import { INTERACTION_DEADLINE_MS, type InteractionRecord, signInteraction } from './interactions.js';
import { createMessage, editMessage } from './messages.js';
import type { World } from './world.js';

export const InteractionErrors = {
  unknown: () => new DiscordHttpError(404, 10062, 'Unknown interaction'),
  acknowledged: () => new DiscordHttpError(400, 40060, 'Interaction has already been acknowledged.'),
  unknownWebhook: () => new DiscordHttpError(404, 10015, 'Unknown Webhook'),
  badType: () =>
    new DiscordHttpError(400, 50035, 'Invalid Form Body', {
      type: { _errors: [{ code: 'BASE_TYPE_CHOICES', message: 'Value must be one of {1, 4, 5, 6, 7, 9}.' }] },
    }),
};

/** Callback types: PONG, CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL. */
const CALLBACK_TYPES = new Set([1, 4, 5, 6, 7, 9]);
/** Message flag LOADING: a deferred response's "is thinking..." message. */
const LOADING = 1 << 7;

export interface MessageData {
  content?: string;
  embeds?: APIEmbed[];
  components?: unknown[];
  flags?: number;
}

/** The INTERACTION_CREATE payload, as Discord sends it to the gateway or the interactions URL. */
export function interactionPayload(world: World, record: InteractionRecord) {
  const guild = world.store.guilds.get(record.channel.guild_id);
  const member = guild?.members.get(record.user.id);
  return {
    id: record.id,
    application_id: record.bot.applicationId,
    type: record.type,
    data: record.data,
    guild_id: record.channel.guild_id,
    guild: guild ? { id: guild.guild.id, locale: 'en-US', features: [] } : undefined,
    channel_id: record.channel.id,
    channel: {
      id: record.channel.id,
      type: record.channel.type,
      name: record.channel.name,
      guild_id: record.channel.guild_id,
    },
    member: member ? { ...memberWithUser(member, record.user), permissions: '2248473465835073' } : undefined,
    token: record.token,
    version: 1,
    app_permissions: '2248473465835073',
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': record.channel.guild_id },
    context: 0,
    attachment_size_limit: 26_214_400,
  };
}

function metadataOf(record: InteractionRecord) {
  return {
    id: record.id,
    type: record.type,
    user: record.user,
    authorizing_integration_owners: { '0': record.channel.guild_id },
    ...(record.type === 2 ? { name: record.data.name } : {}),
  };
}

function postAsApp(
  world: World,
  record: InteractionRecord,
  data: MessageData,
  baseUrl: string,
  flags = 0,
): MessageRecord {
  return createMessage(
    world,
    record.channel,
    record.bot.user,
    {
      ...(data.content !== undefined ? { content: data.content } : {}),
      ...(data.embeds ? { embeds: data.embeds } : {}),
      ...(data.components ? { components: data.components } : {}),
      fields: {
        type: 20, // CHAT_INPUT_COMMAND: a reply to an interaction
        flags: (data.flags ?? 0) | flags,
        application_id: record.bot.applicationId,
        webhook_id: record.bot.applicationId,
        interaction_metadata: metadataOf(record),
      },
    },
    baseUrl,
  );
}

/** The first answer (callback or HTTP response body): within 3 s, once. */
export function respond(
  world: World,
  record: InteractionRecord,
  body: { type: number; data?: MessageData },
  baseUrl: string,
): MessageRecord | undefined {
  if (!CALLBACK_TYPES.has(body.type) || body.type === 1) throw InteractionErrors.badType();
  if (record.response) throw InteractionErrors.acknowledged();
  if (world.clock.now() - record.createdAt > INTERACTION_DEADLINE_MS) throw InteractionErrors.unknown();
  if ((body.type === 6 || body.type === 7) && record.type !== 3) throw InteractionErrors.badType();
  record.response = { type: body.type, ...(body.data !== undefined ? { data: body.data } : {}) };
  if (body.type === 4) record.original = postAsApp(world, record, body.data ?? {}, baseUrl);
  if (body.type === 5) record.original = postAsApp(world, record, {}, baseUrl, LOADING);
  if (body.type === 7) {
    const source = sourceMessage(world, record);
    if (source) {
      editMessage(world, record.channel, source, {
        ...(body.data?.content !== undefined ? { content: body.data.content } : {}),
        ...(body.data?.embeds ? { embeds: body.data.embeds } : {}),
        ...(body.data?.components ? { components: body.data.components } : {}),
      });
      record.original = source;
    }
  }
  return record.original;
}

/** The message a component interaction came from (`data.message_id`). */
function sourceMessage(world: World, record: InteractionRecord): MessageRecord | undefined {
  const id = typeof record.data.message_id === 'string' ? record.data.message_id : undefined;
  return id ? world.store.messages(record.channel.id)?.get(id) : undefined;
}

export function followUp(
  world: World,
  record: InteractionRecord,
  data: MessageData,
  baseUrl: string,
): MessageRecord {
  if (!record.response) throw InteractionErrors.unknownWebhook();
  const created = postAsApp(world, record, data, baseUrl);
  record.followups.push(created);
  return created;
}

/** `@original` or a follow-up id → the message. */
export function webhookMessage(record: InteractionRecord, messageId: string): MessageRecord {
  const found =
    messageId === '@original'
      ? record.original
      : [record.original, ...record.followups].find((m) => m?.message.id === messageId);
  if (!found) throw new DiscordHttpError(404, 10008, 'Unknown Message');
  return found;
}

export function editWebhookMessage(
  world: World,
  record: InteractionRecord,
  message: MessageRecord,
  data: MessageData,
) {
  // A deferred response's message stops "thinking" when first edited.
  message.message.flags = (message.message.flags ?? 0) & ~LOADING;
  return editMessage(world, record.channel, message, {
    ...(data.content !== undefined ? { content: data.content } : {}),
    ...(data.embeds ? { embeds: data.embeds } : {}),
    ...(data.components ? { components: data.components } : {}),
  });
}

/** Sends a signed POST to the app's interactions URL; answers the response's JSON (or throws why it failed). */
export async function postSigned(
  world: World,
  url: string,
  body: unknown,
  keys: ReturnType<World['interactions']['keysOf']>,
  options: { badSignature?: boolean } = {},
): Promise<{ status: number; json: unknown }> {
  const text = JSON.stringify(body);
  const timestamp = String(Math.floor(world.clock.now() / 1000));
  const signature = options.badSignature
    ? signInteraction(keys, timestamp, `${text} `)
    : signInteraction(keys, timestamp, text);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Discord-Interactions/1.0 (+https://discord.com)',
      'x-signature-ed25519': signature,
      'x-signature-timestamp': timestamp,
    },
    body: text,
    signal: AbortSignal.timeout(INTERACTION_DEADLINE_MS),
  });
  const raw = await response.text();
  let json: unknown;
  try {
    json = raw ? JSON.parse(raw) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json };
}

/** Discord's endpoint check: a signed PING must get `{ type: 1 }`, a badly signed one 401. */
export async function verifyEndpoint(world: World, url: string, bot: BotRecord): Promise<string | undefined> {
  const keys = world.interactions.keysOf(bot.user.id);
  const ping = {
    id: world.ids.next(),
    application_id: bot.applicationId,
    type: 1,
    token: 'ping',
    version: 1,
  };
  try {
    const good = await postSigned(world, url, ping, keys);
    if (good.status !== 200 || (good.json as { type?: unknown } | undefined)?.type !== 1)
      return `a signed PING got ${good.status}, not 200 { type: 1 }`;
    const bad = await postSigned(world, url, ping, keys, { badSignature: true });
    if (bad.status !== 401) return `a badly signed PING got ${bad.status}, not 401`;
    return undefined;
  } catch (err) {
    return `the URL did not answer: ${(err as Error).message}`;
  }
}
