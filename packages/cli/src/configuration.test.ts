import { readFile } from 'node:fs/promises';
import { schemas } from '@shardwire/core';
import { describe, expect, it } from 'vitest';
import { commands } from './commands/registry.js';
import {
  configurationTable,
  README_END,
  README_START,
  settingsOf,
  withConfigurationTable,
} from './configuration.js';

describe('configurationTable', () => {
  it('lists each variable once, with every command that reads it', () => {
    const table = configurationTable([
      ['`a`', { port: { env: 'PORT', flag: 'port', schema: schemas.port(1), doc: 'The port' } }],
      [
        '`b`',
        {
          port: { env: 'PORT', schema: schemas.port(2), doc: 'Other words' },
          x: { env: 'A_X', schema: schemas.port(3), doc: 'x | y' },
        },
      ],
    ]);
    expect(table.split('\n')).toEqual([
      '| variable | flag | read by | meaning |',
      '| --- | --- | --- | --- |',
      '| `A_X` |  | `b` | x \\| y |',
      '| `PORT` | `--port` | `a`, `b` | The port |',
    ]);
  });

  it('replaces only the generated section and refuses a README without one', () => {
    const readme = `before\n${README_START}\nold\n${README_END}\nafter`;
    expect(withConfigurationTable(readme, 'new')).toBe(`before\n${README_START}\nnew\n${README_END}\nafter`);
    expect(() => withConfigurationTable('no markers', 'new')).toThrow(/configuration:start/);
  });

  it('matches the README (run `npx shardwire config --readme README.md` after changing a setting)', async () => {
    const specs = await settingsOf(commands);
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(withConfigurationTable(readme, configurationTable(specs))).toBe(readme);
  });
});
