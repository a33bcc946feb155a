/** Dispatch type → handler. Types not listed here leave the cache as it is. */
import { channelDelete, channelPinsUpdate, channelPut } from './channel.js';
import type { Handler } from './context.js';
import { emojisUpdate } from './emoji.js';
import { guildCreate, guildDelete, guildUpdate } from './guild.js';
import { memberAdd, memberRemove, membersChunk, memberUpdate } from './member.js';
import { roleDelete, rolePut } from './role.js';
import { threadDelete, threadListSync, threadPut } from './thread.js';
import { userUpdate } from './user.js';
import { voiceStateUpdate } from './voice.js';

// biome-ignore lint/suspicious/noExplicitAny: each handler is typed by its own dispatch's data.
export const handlers: Record<string, Handler<any>> = {
  GUILD_CREATE: guildCreate,
  GUILD_UPDATE: guildUpdate,
  GUILD_DELETE: guildDelete,
  CHANNEL_CREATE: channelPut,
  CHANNEL_UPDATE: channelPut,
  CHANNEL_DELETE: channelDelete,
  CHANNEL_PINS_UPDATE: channelPinsUpdate,
  THREAD_CREATE: threadPut,
  THREAD_UPDATE: threadPut,
  THREAD_DELETE: threadDelete,
  THREAD_LIST_SYNC: threadListSync,
  GUILD_ROLE_CREATE: rolePut,
  GUILD_ROLE_UPDATE: rolePut,
  GUILD_ROLE_DELETE: roleDelete,
  GUILD_MEMBER_ADD: memberAdd,
  GUILD_MEMBER_UPDATE: memberUpdate,
  GUILD_MEMBER_REMOVE: memberRemove,
  GUILD_MEMBERS_CHUNK: membersChunk,
  GUILD_EMOJIS_UPDATE: emojisUpdate,
  VOICE_STATE_UPDATE: voiceStateUpdate,
  USER_UPDATE: userUpdate,
};

/** Dispatch types whose payload `Cache.apply` reads; of any other it reads only the guild id (`guild_id`). */
export const appliedDispatchTypes: ReadonlySet<string> = new Set(Object.keys(handlers));
