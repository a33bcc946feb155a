import { describe, expect, it } from 'vitest';
import type { CommandDefinition } from './Command.js';
import { CommandRegistry } from './CommandRegistry.js';

const command = (name: string, aliases?: string[]): CommandDefinition => ({
  name,
  description: `${name} command`,
  aliases,
  run: () => {},
});

describe('CommandRegistry', () => {
  it('finds a command by name or alias, whatever the case', () => {
    const registry = new CommandRegistry();
    const ping = command('Ping', ['p', 'PONG']);
    registry.add(ping);
    expect(registry.get('ping')).toBe(ping);
    expect(registry.get('PING')).toBe(ping);
    expect(registry.get('p')).toBe(ping);
    expect(registry.get('pong')).toBe(ping);
    expect(registry.get('echo')).toBeUndefined();
    expect(registry.list()).toEqual([ping]);
  });

  it('refuses a name or alias that is already taken', () => {
    const registry = new CommandRegistry();
    registry.add(command('ping', ['p']));
    expect(() => registry.add(command('PING'))).toThrow(/already used by "ping"/);
    expect(() => registry.add(command('pong', ['P']))).toThrow(/"p" is already used/);
    expect(registry.size).toBe(1);
  });

  it('refuses a command that lists the same name twice', () => {
    expect(() => new CommandRegistry().add(command('ping', ['PING']))).toThrow(/twice/);
  });

  it.each([[''], ['two words'], ['tab\tname']])('refuses the name %j', (name) => {
    expect(() => new CommandRegistry().add(command(name))).toThrow(TypeError);
  });

  it('refuses a command without run', () => {
    expect(() =>
      new CommandRegistry().add({ name: 'x', description: '' } as unknown as CommandDefinition),
    ).toThrow(/no run function/);
  });
});
