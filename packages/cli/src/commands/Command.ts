/** A CLI command: its one-line summary for `shardwire help`, and what it runs. */
import type { Flags, SettingsSpec } from '@shardwire/core';

export interface CommandContext {
  flags: Flags;
  /** Words after the command name (`shardwire dlq list` → `['list']`). */
  args: string[];
  env: Record<string, string | undefined>;
}

export interface Command {
  summary: string;
  usage: string;
  /** Every setting the command reads: listed by `shardwire config` and in the README's table. */
  settings?: SettingsSpec;
  /** Resolves when the command has finished; long-running services resolve on shutdown. */
  run(context: CommandContext): Promise<void>;
}
