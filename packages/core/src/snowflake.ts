/** Discord snowflakes: branded id types, generation and the shard a guild lives on. */

export const DISCORD_EPOCH = 1_420_070_400_000n;

declare const kind: unique symbol;
/** A snowflake string that names what it refers to, so a guild id is never passed as a user id. */
export type Snowflake<Kind extends string = string> = string & { readonly [kind]: Kind };

export type GuildId = Snowflake<'Guild'>;
export type ChannelId = Snowflake<'Channel'>;
export type UserId = Snowflake<'User'>;
export type RoleId = Snowflake<'Role'>;
export type MessageId = Snowflake<'Message'>;
export type ApplicationId = Snowflake<'Application'>;
export type EmojiId = Snowflake<'Emoji'>;

/** Brands a raw id string; use at the edges where ids arrive from JSON. */
export function asId<Kind extends string>(raw: string): Snowflake<Kind> {
  return raw as Snowflake<Kind>;
}

/** The Unix time in milliseconds at which a snowflake was made. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}

/** The shard that receives a guild's events: `(guild_id >> 22) % shard_count`. */
export function shardIdOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/** Makes unique, time-ordered snowflakes (worker and process ids packed as Discord does). */
export class SnowflakeGenerator {
  #lastMs = 0n;
  #increment = 0n;

  constructor(
    private readonly workerId = 1n,
    private readonly processId = 0n,
    private readonly now: () => number = Date.now,
  ) {}

  next<Kind extends string = string>(): Snowflake<Kind> {
    let ms = BigInt(this.now());
    if (ms <= this.#lastMs) {
      // Same (or earlier) millisecond: keep ids strictly increasing.
      this.#increment++;
      if (this.#increment > 0xfffn) {
        this.#lastMs++;
        this.#increment = 0n;
      }
      ms = this.#lastMs;
    } else {
      this.#lastMs = ms;
      this.#increment = 0n;
    }
    const id =
      ((ms - DISCORD_EPOCH) << 22n) |
      ((this.workerId & 0x1fn) << 17n) |
      ((this.processId & 0x1fn) << 12n) |
      this.#increment;
    return id.toString() as Snowflake<Kind>;
  }
}
