import { ManualClock, Registry } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { createCache } from './createCache.js';
import { registerCacheMetrics } from './metrics.js';
import { guildCreate } from './testing/payloads.js';

describe('registerCacheMetrics', () => {
  it('exposes entity counts, refreshed at most once per maxAgeMs', async () => {
    const clock = new ManualClock(0);
    const cache = await createCache('memory:', { clock });
    const registry = new Registry();
    registerCacheMetrics(cache, registry, { maxAgeMs: 1000, clock });
    await cache.apply('GUILD_CREATE', guildCreate({ members: 3, channels: 2 }), 0);
    let text = await registry.metrics();
    expect(text).toContain('shardwire_cache_entities{type="members"} 3');
    expect(text).toContain('shardwire_cache_guilds_by_activity{age="last5m"} 1');
    await cache.apply('GUILD_CREATE', guildCreate({ members: 1 }), 0);
    expect(await registry.metrics()).toContain('shardwire_cache_entities{type="guilds"} 1');
    clock.advance(1000);
    text = await registry.metrics();
    expect(text).toContain('shardwire_cache_entities{type="guilds"} 2');
    expect(text).toContain('shardwire_cache_entities{type="members"} 4');
    await cache.close();
  });
});
