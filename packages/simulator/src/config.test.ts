import { ConfigError } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { loadSimulatorConfig } from './config.js';

describe('simulator config', () => {
  it('defaults, then SIM_* variables, then flags', () => {
    expect(loadSimulatorConfig({ env: {} })).toMatchObject({
      port: 8080,
      host: '127.0.0.1',
      guilds: 1,
      seed: undefined,
    });
    expect(loadSimulatorConfig({ env: { SIM_PORT: '9000', SIM_SEED: '4' } })).toMatchObject({
      port: 9000,
      seed: 4,
    });
    expect(
      loadSimulatorConfig({ env: { SIM_GUILDS: '5' }, flags: { guilds: '7', port: '0' } }),
    ).toMatchObject({
      guilds: 7,
      port: 0,
    });
  });

  it('reads rate-limit switches: SIM_RATE_LIMITS and --limit-scale', () => {
    expect(loadSimulatorConfig({ env: {} })).toMatchObject({ rateLimits: true, limitScale: 1 });
    expect(
      loadSimulatorConfig({ env: { SIM_RATE_LIMITS: 'false' }, flags: { 'limit-scale': '0.01' } }),
    ).toMatchObject({ rateLimits: false, limitScale: 0.01 });
    expect(loadSimulatorConfig({ env: {}, flags: { 'rate-limits': true } }).rateLimits).toBe(true);
    expect(() => loadSimulatorConfig({ env: { SIM_LIMIT_SCALE: '0' } })).toThrow(/SIM_LIMIT_SCALE/);
    expect(() => loadSimulatorConfig({ env: { SIM_RATE_LIMITS: 'maybe' } })).toThrow(/SIM_RATE_LIMITS/);
  });

  it('names the variable and flag of a bad value', () => {
    expect(() => loadSimulatorConfig({ env: { SIM_GUILDS: 'many' } })).toThrow(ConfigError);
    expect(() => loadSimulatorConfig({ env: {}, flags: { seed: '-1' } })).toThrow(/SIM_SEED \(--seed\)/);
  });
});
