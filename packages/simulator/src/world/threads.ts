/** Threads: created from a channel or a message, joined and left; THREAD_CREATE and THREAD_MEMBERS_UPDATE. */
import { ChannelType } from 'discord-api-types/v10';
import type { ChannelRecord } from '../state/records.js';
import type { World } from './world.js';

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
