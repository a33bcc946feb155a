/** The commands a worker knows, by name and alias (case-insensitive, each name used once). */
import type { CommandDefinition } from './Command.js';

export class CommandRegistry {
  readonly #byName = new Map<string, CommandDefinition>();
  readonly #commands: CommandDefinition[] = [];

  get size(): number {
    return this.#commands.length;
  }

  /** The commands in registration order (for a help command). */
  list(): readonly CommandDefinition[] {
    return this.#commands;
  }

  add(command: CommandDefinition): void {
    if (typeof command?.run !== 'function')
      throw new TypeError(`command "${command?.name}" has no run function`);
    const names = [command.name, ...(command.aliases ?? [])].map((name) => validName(name));
    const unique = new Set(names);
    if (unique.size !== names.length) throw new Error(`command "${command.name}" lists a name twice`);
    for (const name of unique) {
      const taken = this.#byName.get(name);
      if (taken) throw new Error(`command name "${name}" is already used by "${taken.name}"`);
    }
    for (const name of unique) this.#byName.set(name, command);
    this.#commands.push(command);
  }

  /** Looks a command up by a name or alias as typed. */
  get(name: string): CommandDefinition | undefined {
    return this.#byName.get(name.toLowerCase());
  }
}

function validName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || /\s/.test(name)) {
    throw new TypeError(`command name ${JSON.stringify(name)} must be a non-empty string without whitespace`);
  }
  return name.toLowerCase();
}
