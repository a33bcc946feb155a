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

const ENTITIES: readonly EntityName[] = [
  'guild',
  'channel',
  'thread',
  'role',
  'member',
  'user',
  'emoji',
  'voiceState',
];

/**
 * Parses the `CACHE_ENTITIES` form: comma-separated `-entity` (do not cache it) or
 * `entity:field+field` (keep only these fields), e.g. `-voiceState,-emoji,member:nick+roles`.
 * Throws an Error naming what is wrong.
 */
export function parseEntities(text: string): CacheOptions {
  const entities: Partial<Record<EntityName, EntitySetting>> = {};
  for (const raw of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const off = raw.startsWith('-');
    const [name, fields] = (off ? raw.slice(1) : raw).split(':', 2) as [string, string | undefined];
    if (!ENTITIES.includes(name as EntityName)) {
      throw new Error(`unknown entity "${name}" (known: ${ENTITIES.join(', ')})`);
    }
    if (off && fields !== undefined) throw new Error(`"${raw}": an entity not cached has no fields`);
    const list = fields?.split('+').filter(Boolean);
    if (fields !== undefined && !list?.length) throw new Error(`"${raw}": expected entity:field+field`);
    entities[name as EntityName] = off ? { cache: false } : { fields: list };
  }
  // Unknown field names are caught here, at start-up, not at the first dispatch.
  new Policy({ entities });
  return { entities };
}

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
