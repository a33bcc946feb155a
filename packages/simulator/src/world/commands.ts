/** Application commands per app: global and per guild, with Discord's upsert-by-name and bulk overwrite. */
import type { IdSource } from '../state/idSource.js';

export interface CommandInput {
  name: string;
  type?: number | undefined;
  description?: string | undefined;
  options?: unknown[] | undefined;
  default_member_permissions?: string | null | undefined;
  nsfw?: boolean | undefined;
}

export interface Command {
  id: string;
  application_id: string;
  version: string;
  type: number;
  name: string;
  name_localizations: null;
  description: string;
  description_localizations: null;
  default_member_permissions: string | null;
  nsfw: boolean;
  integration_types: number[];
  contexts: null;
  options?: unknown[];
  guild_id?: string;
}

/** Global commands under the key "", guild commands under the guild id. */
export class ApplicationCommands {
  readonly #byApp = new Map<string, Map<string, Map<string, Command>>>();

  constructor(private readonly ids: IdSource) {}

  list(appId: string, scope: string): Command[] {
    return [...(this.#scope(appId, scope).values() ?? [])];
  }

  get(appId: string, scope: string, id: string): Command | undefined {
    return this.#scope(appId, scope).get(id);
  }

  /** Creates, or replaces the command of the same name and type (then `created` is false). */
  upsert(appId: string, scope: string, input: CommandInput): { command: Command; created: boolean } {
    const commands = this.#scope(appId, scope);
    const type = input.type ?? 1;
    const existing = [...commands.values()].find((c) => c.name === input.name && c.type === type);
    const command = this.#make(appId, scope, input, existing?.id);
    commands.set(command.id, command);
    return { command, created: !existing };
  }

  patch(appId: string, scope: string, id: string, input: Partial<CommandInput>): Command | undefined {
    const existing = this.get(appId, scope, id);
    if (!existing) return undefined;
    const command = this.#make(appId, scope, { ...existing, ...stripUndefined(input) }, id);
    this.#scope(appId, scope).set(id, command);
    return command;
  }

  delete(appId: string, scope: string, id: string): boolean {
    return this.#scope(appId, scope).delete(id);
  }

  /** Replaces every command of the scope; commands keep their ids when name and type match. */
  overwrite(appId: string, scope: string, inputs: CommandInput[]): Command[] {
    const before = [...this.#scope(appId, scope).values()];
    const next = new Map<string, Command>();
    for (const input of inputs) {
      const same = before.find((c) => c.name === input.name && c.type === (input.type ?? 1));
      const command = this.#make(appId, scope, input, same?.id);
      next.set(command.id, command);
    }
    this.#appScopes(appId).set(scope, next);
    return [...next.values()];
  }

  #make(appId: string, scope: string, input: CommandInput, id?: string): Command {
    return {
      id: id ?? this.ids.next(),
      application_id: appId,
      version: this.ids.next(),
      type: input.type ?? 1,
      name: input.name,
      name_localizations: null,
      description: input.description ?? '',
      description_localizations: null,
      default_member_permissions: input.default_member_permissions ?? null,
      nsfw: input.nsfw ?? false,
      integration_types: [0],
      contexts: null,
      ...(input.options ? { options: input.options } : {}),
      ...(scope ? { guild_id: scope } : {}),
    };
  }

  #appScopes(appId: string): Map<string, Map<string, Command>> {
    let scopes = this.#byApp.get(appId);
    if (!scopes) {
      scopes = new Map();
      this.#byApp.set(appId, scopes);
    }
    return scopes;
  }

  #scope(appId: string, scope: string): Map<string, Command> {
    const scopes = this.#appScopes(appId);
    let commands = scopes.get(scope);
    if (!commands) {
      commands = new Map();
      scopes.set(scope, commands);
    }
    return commands;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
