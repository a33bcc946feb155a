import { shardIdOf } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { shardKeyOf } from './ids.js';
import { MAX_LAYOUTS_PER_BOT, ShardIndex } from './shardIndex.js';

const ids = [
  '197038439483310086',
  '41771983423143937',
  '81384788765712384',
  '110373943822540800',
  '175928847299117063',
];

describe('ShardIndex', () => {
  const guilds = new Map<string, { id: string; shardKey: number }[]>([
    ['bot', ids.map((id) => ({ id, shardKey: shardKeyOf(id) }))],
  ]);
  const index = new ShardIndex((bot) => guilds.get(bot) ?? []);

  it.each([1, 2, 3, 7])('places every guild on (id >> 22) %% %i', (count) => {
    for (let shard = 0; shard < count; shard++)
      expect([...index.guildsOnShard('bot', shard, count)].sort()).toEqual(
        ids.filter((id) => shardIdOf(id, count) === shard).sort(),
      );
  });

  it('follows joins and leaves in layouts already built, and rebuilds evicted ones', () => {
    const extra = '222078108977594368';
    index.joined('bot', extra, shardKeyOf(extra));
    guilds.get('bot')!.push({ id: extra, shardKey: shardKeyOf(extra) });
    expect(index.guildsOnShard('bot', shardIdOf(extra, 3), 3).has(extra)).toBe(true);
    for (let count = 10; count < 10 + MAX_LAYOUTS_PER_BOT; count++) index.maxGuildsPerShard('bot', count);
    expect(index.guildsOnShard('bot', shardIdOf(extra, 2), 2).has(extra)).toBe(true);
    index.left('bot', extra, shardKeyOf(extra));
    guilds.get('bot')!.pop();
    expect(index.guildsOnShard('bot', shardIdOf(extra, 2), 2).has(extra)).toBe(false);
    expect(index.maxGuildsPerShard('bot', 1)).toBe(ids.length);
  });
});
