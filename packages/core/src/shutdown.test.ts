/** Shutdown in a child process sent real signals: one during start-up, a second during the hooks. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = new URL('../dist/', import.meta.url);
const built = existsSync(fileURLToPath(new URL('shutdown.js', dist)));

// A service whose start-up (a minute) stops when the signal aborts it, then a hook slow enough to be
// signalled in.
const service = `
  import { setTimeout } from 'node:timers/promises';
  import { createLogger } from '${new URL('logger.js', dist).href}';
  import { Shutdown } from '${new URL('shutdown.js', dist).href}';
  const shutdown = new Shutdown(createLogger({ name: 'test' }));
  shutdown.listen();
  console.log('starting');
  await setTimeout(60_000, undefined, { signal: shutdown.signal }).catch(() => {});
  shutdown.add('service', async () => {
    console.log('hook started');
    await setTimeout(500);
    console.log('hook done');
  });
  await shutdown.untilSignal();
`;

describe.skipIf(!built)('Shutdown', () => {
  it('turns a signal during start-up into a shutdown once start-up stops, absorbing a second one', async () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', service], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    const seen = (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => output.includes(text) && resolve();
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await seen('starting');
    child.kill('SIGINT');
    await seen('hook started');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGINT during start-up: stopping it');
    expect(output).toContain('"reason":"SIGINT","msg":"shutting down"');
    expect(output).toContain('hook done');
  });
});
