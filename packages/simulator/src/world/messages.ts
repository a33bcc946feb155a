/** Creating, editing and deleting messages, each dispatched to the guild's bots. */
import { snowflakeTimestamp } from '@shardwire/core';
import type { APIAttachment, APIEmbed, APIMessage, APIUser } from 'discord-api-types/v10';
import { makeMessage, memberJson } from '../state/factories.js';
import type { ChannelRecord, MessageRecord, StoredFile } from '../state/records.js';
import { isDm } from './dms.js';
import type { World } from './world.js';

export interface NewAttachment {
  filename: string;
  description?: string;
  file: StoredFile;
}

export interface MessageInput {
  content?: string;
  embeds?: APIEmbed[];
  components?: unknown[];
  tts?: boolean;
  nonce?: string | number;
  message_reference?: { message_id?: string; channel_id?: string; guild_id?: string };
  attachments?: NewAttachment[];
  /** Fields set on the message before it is stored and dispatched (an app's interaction response). */
  fields?: Partial<APIMessage> & { interaction_metadata?: unknown };
}

const USER_MENTION = /<@!?(\d{15,21})>/g;
const ROLE_MENTION = /<@&(\d{15,21})>/g;

export function createMessage(
  world: World,
  channel: ChannelRecord,
  author: APIUser,
  input: MessageInput,
  /** Public base URL for attachment links. */
  baseUrl: string,
): MessageRecord {
  const id = world.ids.next();
  const message = makeMessage({
    id,
    channelId: channel.id,
    author,
    content: input.content ?? '',
    timestamp: new Date(snowflakeTimestamp(id)).toISOString(),
  });
  const record: MessageRecord = { message, guildId: channel.guild_id, attachments: new Map() };
  if (input.embeds) message.embeds = input.embeds;
  if (input.components) message.components = input.components as APIMessage['components'];
  if (input.tts) message.tts = true;
  if (input.nonce !== undefined) message.nonce = input.nonce;
  if (input.message_reference?.message_id) {
    message.message_reference = {
      ...input.message_reference,
      channel_id: channel.id,
      guild_id: channel.guild_id,
    };
    message.type = 19; // Reply
    const referenced = world.store.messages(channel.id)?.get(input.message_reference.message_id);
    if (referenced) message.referenced_message = referenced.message;
  }
  for (const attachment of input.attachments ?? []) {
    const attachmentId = world.ids.next();
    const url = `${baseUrl}/attachments/${channel.id}/${attachmentId}/${encodeURIComponent(attachment.filename)}`;
    const meta: APIAttachment = {
      id: attachmentId,
      filename: attachment.filename,
      size: attachment.file.data.length,
      url,
      proxy_url: url,
      content_type: attachment.file.contentType,
      ...(attachment.description ? { description: attachment.description } : {}),
    };
    record.attachments.set(attachmentId, { meta, file: attachment.file });
    message.attachments.push(meta);
  }
  if (input.fields) Object.assign(message, input.fields);
  applyMentions(world, channel, message);
  world.store.messages(channel.id)?.add(record);
  channel.last_message_id = id;
  dispatchInChannel(world, channel, 'MESSAGE_CREATE', gatewayMessage(world, channel, message));
  return record;
}

export function editMessage(
  world: World,
  channel: ChannelRecord,
  record: MessageRecord,
  patch: { content?: string; embeds?: APIEmbed[]; components?: unknown[]; attachments?: { id: string }[] },
): APIMessage {
  const { message } = record;
  if (patch.content !== undefined) message.content = patch.content;
  if (patch.embeds !== undefined) message.embeds = patch.embeds;
  if (patch.components !== undefined) message.components = patch.components as APIMessage['components'];
  if (patch.attachments !== undefined) {
    // Attachments not listed are removed, as on Discord.
    const keep = new Set(patch.attachments.map((a) => a.id));
    for (const id of record.attachments.keys()) if (!keep.has(id)) record.attachments.delete(id);
    message.attachments = [...record.attachments.values()].map((a) => a.meta);
  }
  message.edited_timestamp = world.now();
  applyMentions(world, channel, message);
  dispatchInChannel(world, channel, 'MESSAGE_UPDATE', gatewayMessage(world, channel, message));
  return message;
}

export function deleteMessage(world: World, channel: ChannelRecord, messageId: string): void {
  world.store.messages(channel.id)?.delete(messageId);
  dispatchInChannel(world, channel, 'MESSAGE_DELETE', {
    id: messageId,
    channel_id: channel.id,
    guild_id: channel.guild_id,
  });
}

export function bulkDeleteMessages(world: World, channel: ChannelRecord, messageIds: string[]): void {
  const log = world.store.messages(channel.id);
  for (const id of messageIds) log?.delete(id);
  dispatchInChannel(world, channel, 'MESSAGE_DELETE_BULK', {
    ids: messageIds,
    channel_id: channel.id,
    guild_id: channel.guild_id,
  });
}

/** A message event to its channel's audience: the guild's bots, or the DM's bot (shard 0, no guild_id). */
function dispatchInChannel(
  world: World,
  channel: ChannelRecord,
  t: string,
  data: Record<string, unknown>,
): void {
  if (isDm(channel)) {
    const { guild_id: _, ...rest } = data;
    world.dispatcher.toBotDirect(channel.dmBotId, t, rest);
  } else world.dispatcher.toGuild(channel.guild_id, t, data);
}

/**
 * The gateway's message: the author's `member`, `member` on each mentioned user, and `guild_id`
 * last, where Discord writes it (captured MESSAGE_CREATE payloads end `"attachments":[],"guild_id":…}`).
 */
function gatewayMessage(world: World, channel: ChannelRecord, message: APIMessage) {
  const guild = world.store.guilds.get(channel.guild_id);
  const author = guild?.members.get(message.author.id);
  const member = author && memberJson(author);
  return {
    ...message,
    ...(member ? { member } : {}),
    mentions: message.mentions.map((user) => {
      const mentioned = guild?.members.get(user.id);
      return mentioned ? { ...user, member: memberJson(mentioned) } : user;
    }),
    guild_id: channel.guild_id,
  };
}

function applyMentions(world: World, channel: ChannelRecord, message: APIMessage): void {
  const guild = world.store.guilds.get(channel.guild_id);
  const userIds = new Set([...message.content.matchAll(USER_MENTION)].map((m) => m[1]!));
  message.mentions = [...userIds].flatMap((id) => {
    const user = world.store.users.get(id);
    return user ? [user] : [];
  });
  const roleIds = new Set([...message.content.matchAll(ROLE_MENTION)].map((m) => m[1]!));
  message.mention_roles = [...roleIds].filter((id) => guild?.roles.has(id));
  message.mention_everyone = /@(everyone|here)\b/.test(message.content);
}
