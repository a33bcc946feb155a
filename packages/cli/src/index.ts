export type { Command, CommandContext } from './commands/Command.js';
