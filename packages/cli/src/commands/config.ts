/** `shardwire config`: every setting of every command, as one markdown table. */
import { readFile, writeFile } from 'node:fs/promises';
import { configurationTable, settingsOf, withConfigurationTable } from '../configuration.js';
import type { Command } from './Command.js';
import { commands } from './registry.js';

const command: Command = {
  summary: 'Print every setting (environment variable and flag) of every command',
  usage:
    'shardwire config [--readme README.md]   (with --readme: rewrite its generated configuration section)',
  async run({ flags }) {
    const table = configurationTable(await settingsOf(commands));
    if (typeof flags.readme === 'string') {
      await writeFile(flags.readme, withConfigurationTable(await readFile(flags.readme, 'utf8'), table));
      process.stdout.write(`updated the configuration table in ${flags.readme}\n`);
      return;
    }
    process.stdout.write(`${table}\n`);
  },
};

export default command;
