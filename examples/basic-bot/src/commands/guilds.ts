/** `!guilds` → how many guilds the platform's cache holds (all shards). */
import type { CommandDefinition } from '@shardwire/bot';

export function guildsText(count: number): string {
  return `I am in ${count} ${count === 1 ? 'guild' : 'guilds'}.`;
}

export const guilds: CommandDefinition = {
  name: 'guilds',
  description: 'Says how many guilds the bot is in.',
  async run(ctx) {
    await ctx.reply(guildsText(await ctx.cache.guildCount()));
  },
};
