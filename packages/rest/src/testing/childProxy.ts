/** `shardwire rest-proxy` in a child process (the built CLI), so a test can kill an instance outright. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../../../cli/bin/shardwire.js', import.meta.url));
/** The child runs the build: tests that need one are skipped without it (`npm test` builds first). */
export const cliBuilt = existsSync(fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url)));

export interface ChildProxy {
  url: string;
  /** SIGKILL: no shutdown, no goodbye to Redis. */
  kill(): Promise<void>;
}

export async function spawnProxy(env: Record<string, string>): Promise<ChildProxy> {
  const child: ChildProcess = spawn(process.execPath, [cli, 'rest-proxy'], {
    env: { ...process.env, REST_PROXY_PORT: '0', REST_PROXY_HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  // The log keeps being read (and dropped) after the ready line, so the child never blocks on it.
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('rest-proxy ready')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`rest-proxy child exited (${code}) before it was ready`)));
  });
  return {
    url: await ready,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
