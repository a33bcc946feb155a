/** Which entities the cache keeps and which of their fields (discordeno's desired properties). */
import {
  channelSchema,
  emojiSchema,
  guildSchema,
  memberSchema,
  roleSchema,
  userSchema,
  voiceStateSchema,
} from './codec/entities.js';
import { Codec } from './codec/schema.js';

export type EntityName = 'guild' | 'channel' | 'thread' | 'role' | 'member' | 'user' | 'emoji' | 'voiceState';

export interface EntitySetting {
  /** Cache this entity at all. Default true (guilds are always cached). */
  cache?: boolean;
  /** Fields to keep; ids and what permissions need are always kept. Default: every known field. */
  fields?: string[];
}

export interface CacheOptions {
  entities?: Partial<Record<EntityName, boolean | EntitySetting>>;
}

/** Entities stored under their id (the storage key), so their packed value leaves it out. */
export type KeyedEntity = 'guild' | 'channel' | 'role' | 'user' | 'emoji' | 'voiceState';

/** The resolved options: a switch and a codec per entity. */
export class Policy {
  /** Codecs for storage keyed by id: the id is not packed, and `decodeKeyed` puts it back. */
  readonly stored: Readonly<Record<KeyedEntity, Codec>>;
  readonly guild: Codec;
  readonly channel: Codec;
  readonly role: Codec;
  readonly member: Codec;
  readonly user: Codec;
  readonly emoji: Codec;
  readonly voiceState: Codec;
  readonly #enabled: Record<EntityName, boolean>;

  constructor(options: CacheOptions = {}) {
    const setting = (name: EntityName): EntitySetting => {
      const raw = options.entities?.[name];
      return typeof raw === 'boolean' ? { cache: raw } : (raw ?? {});
    };
    this.#enabled = {
      guild: true,
      channel: setting('channel').cache ?? true,
      thread: setting('thread').cache ?? true,
      role: setting('role').cache ?? true,
      member: setting('member').cache ?? true,
      user: setting('user').cache ?? true,
      emoji: setting('emoji').cache ?? true,
      voiceState: setting('voiceState').cache ?? true,
    };
    if (setting('thread').fields)
      throw new Error('cache: threads keep the channel fields; set entities.channel.fields');
    this.guild = new Codec(guildSchema, setting('guild').fields);
    this.channel = new Codec(channelSchema, setting('channel').fields);
    this.role = new Codec(roleSchema, setting('role').fields);
    this.member = new Codec(memberSchema, setting('member').fields);
    this.user = new Codec(userSchema, setting('user').fields);
    this.emoji = new Codec(emojiSchema, setting('emoji').fields);
    this.voiceState = new Codec(voiceStateSchema, setting('voiceState').fields);
    this.stored = {
      guild: this.guild.keyedBy('id'),
      channel: this.channel.keyedBy('id'),
      role: this.role.keyedBy('id'),
      user: this.user.keyedBy('id'),
      emoji: this.emoji.keyedBy('id'),
      voiceState: this.voiceState.keyedBy('user_id'),
    };
  }

  /** Decodes a value stored under `id`, putting the id back first, as Discord sends it. */
  decodeKeyed<T>(entity: KeyedEntity, id: string, packed: string): T {
    const field = entity === 'voiceState' ? 'user_id' : 'id';
    return { [field]: id, ...this.stored[entity].decode(packed) } as T;
  }

  /** Does the cache want this resource? */
  wants(entity: EntityName): boolean {
    return this.#enabled[entity];
  }
}
