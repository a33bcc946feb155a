/** A CLI command: its one-line summary for `shardwire help`, and what it runs. */
import type { Flags } from '@shardwire/core';

export interface CommandContext {
  flags: Flags;
  /** Words after the command name (`shardwire dlq list` → `['list']`). */
  args: string[];
  env: Record<string, string | undefined>;
}

export interface Command {
  summary: string;
  usage: string;
  /** Resolves when the command has finished; long-running services resolve on shutdown. */
  run(context: CommandContext): Promise<void>;
}
