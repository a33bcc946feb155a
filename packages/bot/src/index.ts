export type { CommandContext, CommandDefinition } from './commands/Command.js';
export { matchCommand, mentionPrefixes } from './commands/matchCommand.js';
export { parseArgs } from './commands/parseArgs.js';
export { DEFAULT_PREFIX, type PrefixOption, type PrefixResolver } from './commands/prefix.js';
export type { ContextFor, EventContext, MessageContext, MessageInput } from './context.js';
export type { RawHook } from './dispatch.js';
export type { DispatchPayloads, EventName, EventPayload } from './events.js';
export {
  createWorker,
  DEFAULT_GROUP,
  DEFAULT_MAX_DELIVERIES,
  DEFAULT_STOP_GRACE_MS,
  type EventHandler,
  type Worker,
  type WorkerOptions,
} from './Worker.js';
