/**
 * Threads: created from a channel or a message, joined and left, archived, locked and edited;
 * THREAD_CREATE, THREAD_UPDATE and THREAD_MEMBERS_UPDATE.
 */
import { ChannelType } from 'discord-api-types/v10';
import type { ChannelRecord } from '../state/records.js';
import type { World } from './world.js';

/** What `PATCH /channels/:id` may change on a thread. */
export interface ThreadPatch {
  name?: string | undefined;
  rate_limit_per_user?: number | undefined;
  archived?: boolean | undefined;
  locked?: boolean | undefined;
  auto_archive_duration?: number | undefined;
  invitable?: boolean | undefined;
}

interface ThreadMetadata {
  archived: boolean;
  auto_archive_duration: number;
  archive_timestamp: string;
  locked: boolean;
  create_timestamp: string;
  invitable?: boolean;
}

export interface ThreadInput {
  name: string;
  type: ChannelType.PublicThread | ChannelType.PrivateThread;
  autoArchiveDuration: number;
  ownerId: string;
  /** The message it starts from (the thread takes the message's id), if any. */
  messageId?: string | undefined;
}

/** Members of each thread (user ids), with when they joined. */
const members = new WeakMap<ChannelRecord, Map<string, string>>();

export function threadMembers(thread: ChannelRecord): Map<string, string> {
  let map = members.get(thread);
  if (!map) {
    map = new Map();
    members.set(thread, map);
  }
  return map;
}

export function createThread(world: World, parent: ChannelRecord, input: ThreadInput): ChannelRecord {
  const id = input.messageId ?? world.ids.next();
  const now = world.now();
  const thread = {
    id,
    type: input.type,
    guild_id: parent.guild_id,
    parent_id: parent.id,
    owner_id: input.ownerId,
    name: input.name,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: input.autoArchiveDuration,
      archive_timestamp: now,
      locked: false,
      create_timestamp: now,
      ...(input.type === ChannelType.PrivateThread ? { invitable: true } : {}),
    },
  } as unknown as ChannelRecord;
  world.store.addThread(thread);
  threadMembers(thread).set(input.ownerId, now);
  world.dispatcher.toGuild(parent.guild_id, 'THREAD_CREATE', { ...thread, newly_created: true });
  return thread;
}

/** Adds or removes a member; false when nothing changed. */
export function setThreadMember(
  world: World,
  thread: ChannelRecord,
  userId: string,
  member: boolean,
): boolean {
  const map = threadMembers(thread);
  if (member === map.has(userId)) return false;
  if (member) map.set(userId, world.now());
  else map.delete(userId);
  (thread as unknown as { member_count: number }).member_count = map.size;
  world.dispatcher.toGuild(thread.guild_id, 'THREAD_MEMBERS_UPDATE', {
    id: thread.id,
    guild_id: thread.guild_id,
    member_count: map.size,
    ...(member
      ? { added_members: [{ id: thread.id, user_id: userId, join_timestamp: map.get(userId), flags: 0 }] }
      : { removed_member_ids: [userId] }),
  });
  return true;
}

export function threadMetadata(thread: ChannelRecord): ThreadMetadata {
  return (thread as unknown as { thread_metadata: ThreadMetadata }).thread_metadata;
}

/** The guild's threads that are not archived (what the gateway and `threads/active` list). */
export function isActiveThread(thread: ChannelRecord): boolean {
  return !threadMetadata(thread).archived;
}

/**
 * Applies a thread edit and dispatches THREAD_UPDATE. `archive_timestamp` moves when the thread is
 * archived or unarchived and when `auto_archive_duration` changes, as Discord documents.
 */
export function updateThread(world: World, thread: ChannelRecord, patch: ThreadPatch): ChannelRecord {
  const meta = threadMetadata(thread);
  const record = thread as unknown as { name: string; rate_limit_per_user: number };
  if (patch.name !== undefined) record.name = patch.name;
  if (patch.rate_limit_per_user !== undefined) record.rate_limit_per_user = patch.rate_limit_per_user;
  const archiving = patch.archived !== undefined && patch.archived !== meta.archived;
  const newDuration =
    patch.auto_archive_duration !== undefined && patch.auto_archive_duration !== meta.auto_archive_duration;
  if (patch.archived !== undefined) meta.archived = patch.archived;
  if (patch.locked !== undefined) meta.locked = patch.locked;
  if (patch.auto_archive_duration !== undefined) meta.auto_archive_duration = patch.auto_archive_duration;
  if (patch.invitable !== undefined) meta.invitable = patch.invitable;
  if (archiving || newDuration) meta.archive_timestamp = world.now();
  world.dispatcher.toGuild(thread.guild_id, 'THREAD_UPDATE', thread);
  return thread;
}
