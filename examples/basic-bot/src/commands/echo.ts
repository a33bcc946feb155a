/** `!echo <text>` → the text, as typed (mentions in it do not ping anyone). */
import type { CommandDefinition } from '@shardwire/bot';

export const echo: CommandDefinition = {
  name: 'echo',
  description: 'Repeats the text after the command.',
  aliases: ['say'],
  async run(ctx) {
    await ctx.reply(ctx.argText.length > 0 ? ctx.argText : `Usage: ${ctx.prefix}echo <text>`);
  },
};
