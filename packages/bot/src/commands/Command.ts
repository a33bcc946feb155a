/** A prefix command: what the bot author writes, and what its `run` receives. */
import type { MessageContext } from '../context.js';

export interface CommandContext extends MessageContext {
  readonly command: CommandDefinition;
  /** The name or alias the user typed, lower-cased. */
  readonly invokedAs: string;
  /** The prefix the message used (the guild's own, when a resolver gives one). */
  readonly prefix: string;
  /** The arguments, split on whitespace with double quotes grouping (`parseArgs`). */
  readonly args: string[];
  /** The text after the command name, untouched but for the whitespace around it. */
  readonly argText: string;
}

export interface CommandDefinition {
  /** Matched case-insensitively; no whitespace. */
  name: string;
  description: string;
  aliases?: readonly string[];
  run(context: CommandContext, args: string[]): Promise<void> | void;
}
