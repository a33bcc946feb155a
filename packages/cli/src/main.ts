/** The `shardwire` executable: dispatches to one command. */
import { ConfigError, parseArgs } from '@shardwire/core';
import { commands } from './commands/registry.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    await printHelp();
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`shardwire: unknown command "${name}"\n\n`);
    await printHelp();
    return 2;
  }
  const command = await load();
  const { flags, positionals } = parseArgs(rest);
  if (flags.help) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    await command.run({ flags, args: positionals, env: process.env });
    return 0;
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`shardwire ${name}: ${err.message}\n`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      const { address, port } = err as { address?: string; port?: number };
      const why = code === 'EADDRINUSE' ? 'the address is already in use' : 'permission denied';
      process.stderr.write(
        `shardwire ${name}: cannot listen on ${address}:${port}: ${why} (choose another --port)\n`,
      );
      return 1;
    }
    throw err;
  }
}

async function printHelp(): Promise<void> {
  const lines = ['usage: shardwire <command> [options]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands))
    lines.push(`  ${name.padEnd(14)} ${(await load()).summary}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`shardwire: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
