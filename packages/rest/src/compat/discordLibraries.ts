/**
 * Loads discord.js and @discordjs/rest with Node's own `require`, before anything loads undici 7.
 * undici 7 installs itself as the process-wide (legacy-symbol) global dispatcher when it loads first,
 * and @discordjs/rest's undici 6 FormData then fails in it ("action is not a function"). A bot
 * process that loads discord.js first, as bots do, keeps undici 6's dispatcher.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const discordjsRest = require('@discordjs/rest') as typeof import('@discordjs/rest');
export const discordjs = require('discord.js') as typeof import('discord.js');
