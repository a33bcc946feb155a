/** `!ping` → `Pong! 12 ms`: the time from the message's creation (its snowflake) to the bot handling it. */
import type { CommandDefinition } from '@shardwire/bot';
import { snowflakeTimestamp } from '@shardwire/core';

/**
 * Milliseconds from a message's creation, read from its id, to `now`. Discord's clock and ours
 * may differ by a little; a negative result (our clock behind) is shown as 0.
 */
export function roundTripMs(messageId: string, now: number): number {
  return Math.max(0, Math.round(now - snowflakeTimestamp(messageId)));
}

export const ping: CommandDefinition = {
  name: 'ping',
  description: 'Answers Pong! with the time the message took to reach the bot.',
  async run(ctx) {
    await ctx.reply(`Pong! ${roundTripMs(ctx.message.id, ctx.clock.now())} ms`);
  },
};
