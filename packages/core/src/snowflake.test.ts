import { describe, expect, it } from 'vitest';
import { DISCORD_EPOCH, SnowflakeGenerator, shardIdOf, snowflakeTimestamp } from './snowflake.js';

describe('snowflakes', () => {
  it('round-trips the timestamp and stays strictly increasing within a millisecond', () => {
    const generator = new SnowflakeGenerator(1n, 0n, () => 1_700_000_000_000);
    const ids = Array.from({ length: 5000 }, () => generator.next());
    expect(snowflakeTimestamp(ids[0]!)).toBe(1_700_000_000_000);
    for (let i = 1; i < ids.length; i++) expect(BigInt(ids[i]!) > BigInt(ids[i - 1]!)).toBe(true);
  });

  it('places guilds on shards as Discord does', () => {
    // Discord's documented example: guild 197038439483310086 on shard 0 of 1, and (id >> 22) % n.
    const id = '197038439483310086';
    expect(shardIdOf(id, 1)).toBe(0);
    expect(shardIdOf(id, 16)).toBe(Number((BigInt(id) >> 22n) % 16n));
    expect(DISCORD_EPOCH).toBe(1420070400000n);
  });
});
