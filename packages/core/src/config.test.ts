import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, parseArgs, schemas } from './config.js';

const spec = {
  port: { env: 'SIM_PORT', flag: 'port', schema: schemas.port(8080), doc: 'HTTP port' },
  token: { env: 'DISCORD_TOKEN', schema: z.string().optional(), doc: 'Bot token', secret: true },
  guilds: { env: 'SIM_GUILDS', flag: 'guilds', schema: schemas.nonNegativeInt(0), doc: 'Guilds to create' },
};

describe('loadConfig', () => {
  it('applies defaults, then the environment, then flags', () => {
    expect(loadConfig(spec, { env: {} })).toEqual({ port: 8080, token: undefined, guilds: 0 });
    expect(loadConfig(spec, { env: { SIM_PORT: '9000' } }).port).toBe(9000);
    expect(loadConfig(spec, { env: { SIM_PORT: '9000' }, flags: { port: '9001' } }).port).toBe(9001);
  });

  it('names the variable, the flag and what it expects', () => {
    try {
      loadConfig(spec, { env: { SIM_PORT: 'abc', SIM_GUILDS: '-3' } });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const { problems } = err as ConfigError;
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^SIM_PORT \(--port\): expected .*port.*got "abc"/);
      expect(problems[1]).toMatch(/^SIM_GUILDS \(--guilds\): expected a non-negative integer, got "-3"/);
    }
  });

  it('never echoes a secret value', () => {
    const strict = {
      token: { env: 'DISCORD_TOKEN', schema: z.string().min(50), doc: 'Bot token', secret: true },
    };
    expect(() => loadConfig(strict, { env: { DISCORD_TOKEN: 'short-secret' } })).toThrow(/DISCORD_TOKEN/);
    expect(() => loadConfig(strict, { env: { DISCORD_TOKEN: 'short-secret' } })).not.toThrow(/short-secret/);
  });

  it('validates URLs by scheme', () => {
    const urlSpec = { broker: { env: 'BROKER_URL', schema: schemas.url(['amqp', 'nats']), doc: 'Broker' } };
    expect(loadConfig(urlSpec, { env: { BROKER_URL: 'amqp://localhost' } }).broker).toBe('amqp://localhost');
    expect(() => loadConfig(urlSpec, { env: { BROKER_URL: 'http://x' } })).toThrow(
      /BROKER_URL: expected a URL with scheme amqp: or nats:/,
    );
  });
});

describe('parseArgs', () => {
  it('reads --name value, --name=value, bare flags and positionals', () => {
    expect(parseArgs(['up', 'x', '--port', '80', '--guilds=5', '--verbose'])).toEqual({
      flags: { port: '80', guilds: '5', verbose: true },
      positionals: ['up', 'x'],
    });
  });
});
