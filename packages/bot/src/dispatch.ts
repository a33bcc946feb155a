/**
 * Runs one envelope through a worker's handlers: raw hooks first, then the event's listeners, then
 * the command router (MESSAGE_CREATE), each in registration order. A handler that already finished
 * for this envelope in this process is skipped, so a redelivery re-runs only what failed.
 */
import type { Envelope } from '@shardwire/core';
import type { GatewayMessageCreateDispatchData } from 'discord-api-types/v10';
import type { CommandContext } from './commands/Command.js';
import type { CommandRegistry } from './commands/CommandRegistry.js';
import { matchCommand, mentionPrefixes } from './commands/matchCommand.js';
import { parseArgs } from './commands/parseArgs.js';
import { type PrefixOption, resolvePrefixes } from './commands/prefix.js';
import { type ContextBase, createEventContext, type EventContext, withMessage } from './context.js';
import type { RecentlyHandled } from './dedupe.js';

export type RawHook = (envelope: Envelope, context: EventContext) => Promise<void> | void;
// Listeners are stored untyped; `Worker.on` types them by event name.
export type AnyListener = (payload: unknown, context: EventContext) => Promise<void> | void;

export interface Handlers {
  raw: RawHook[];
  listeners: Map<string, AnyListener[]>;
  commands: CommandRegistry;
  prefix: PrefixOption;
  /** Also accept `@Bot command` (works without the MESSAGE_CONTENT intent: Discord sends content that mentions the bot). */
  mentionPrefix: boolean;
}

/** How many handlers ran, and how many were skipped because they had already run for this envelope. */
export interface DispatchResult {
  ran: number;
  skipped: number;
}

export async function dispatchEnvelope(
  handlers: Handlers,
  base: ContextBase,
  seen: RecentlyHandled,
): Promise<DispatchResult> {
  const { envelope } = base;
  const result: DispatchResult = { ran: 0, skipped: 0 };
  const once = async (key: string, run: (context: EventContext) => Promise<void> | void) => {
    if (seen.has(envelope.id, key)) {
      base.logger.debug(
        { envelopeId: envelope.id, handler: key },
        'handler already ran for this envelope; skipped',
      );
      result.skipped++;
      return;
    }
    await run(createEventContext(base, key));
    seen.add(envelope.id, key);
    result.ran++;
  };

  for (const [i, hook] of handlers.raw.entries())
    await once(`raw#${i}`, (context) => hook(envelope, context));

  const listeners = handlers.listeners.get(envelope.t) ?? [];
  for (const [i, listener] of listeners.entries()) {
    await once(`on:${envelope.t}#${i}`, (context) =>
      listener(
        envelope.d,
        envelope.t === 'MESSAGE_CREATE' ? withMessage(context, messageOf(envelope)) : context,
      ),
    );
  }

  if (envelope.t === 'MESSAGE_CREATE' && handlers.commands.size > 0)
    await routeCommand(handlers, envelope, once);
  return result;
}

async function routeCommand(
  handlers: Handlers,
  envelope: Envelope,
  once: (key: string, run: (context: EventContext) => Promise<void> | void) => Promise<void>,
): Promise<void> {
  const message = messageOf(envelope);
  // Bots (this one included) never run commands: no loops between bots, no answering itself.
  if (typeof message.content !== 'string' || message.content.length === 0) return;
  if (message.author?.bot || message.author?.id === envelope.bot || message.webhook_id) return;

  const prefixes = await resolvePrefixes(handlers.prefix, message, envelope);
  const match = matchCommand(
    message.content,
    handlers.mentionPrefix ? [...prefixes, ...mentionPrefixes(envelope.bot)] : prefixes,
  );
  if (!match) return;
  const command = handlers.commands.get(match.name);
  if (!command) return;

  const args = parseArgs(match.argText);
  await once(`command:${command.name.toLowerCase()}`, (context) => {
    const commandContext: CommandContext = {
      ...withMessage(context, message),
      command,
      invokedAs: match.name,
      prefix: match.prefix,
      args,
      argText: match.argText,
    };
    return command.run(commandContext, args);
  });
}

function messageOf(envelope: Envelope): GatewayMessageCreateDispatchData {
  return envelope.d as GatewayMessageCreateDispatchData;
}
