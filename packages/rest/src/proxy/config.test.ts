import { describe, expect, it } from 'vitest';
import { loadRestProxyConfig } from './config.js';

describe('rest-proxy config', () => {
  it('has working defaults', () => {
    const config = loadRestProxyConfig({ env: {} });
    expect(config).toMatchObject({ upstreamUrl: 'https://discord.com/api', port: 8081, globalLimit: 50 });
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads per-bot global limits', () => {
    const config = loadRestProxyConfig({
      env: { REST_GLOBAL_LIMITS: '123456789012345678=500, 223456789012345678=1200' },
    });
    expect(config.globalLimits?.get('223456789012345678')).toBe(1200);
  });

  it('names the variable of a wrong value, never echoing the secret', () => {
    expect(() => loadRestProxyConfig({ env: { REST_GLOBAL_LIMITS: 'lots' } })).toThrow(/REST_GLOBAL_LIMITS/);
    expect(() => loadRestProxyConfig({ env: { REST_PROXY_SECRET: 'short' } })).toThrow(/REST_PROXY_SECRET/);
    expect(() => loadRestProxyConfig({ env: { REST_PROXY_SECRET: 'short' } })).not.toThrow(/"short"/);
  });
});
