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

  it('names the variable and flag of a bad value', () => {
    expect(() => loadSimulatorConfig({ env: { SIM_GUILDS: 'many' } })).toThrow(ConfigError);
    expect(() => loadSimulatorConfig({ env: {}, flags: { seed: '-1' } })).toThrow(/SIM_SEED \(--seed\)/);
  });
});
