/** Runs `shardwire up` as a child process the way a person does, and presses Ctrl-C on it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach } from 'vitest';

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

const running: Running[] = [];

const root = new URL('../..', import.meta.url).pathname;

export function startUp(via: 'npx' | 'bin', args: string[], env: Record<string, string> = {}): Running {
  const [command, ...prefix] = via === 'npx' ? ['npx', 'shardwire'] : [`${root}node_modules/.bin/shardwire`];
  const child = spawn(command!, [...prefix, 'up', '--port', '0', ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const run = { child, stdout: () => out, stderr: () => err };
  running.push(run);
  return run;
}

export async function untilOutput(
  run: Running,
  pattern: RegExp,
  timeoutMs: number,
): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = run.stdout().match(pattern);
    if (match) return match;
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no ${pattern} in output.\nstdout:\n${run.stdout()}\nstderr:\n${run.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Ctrl-C: SIGINT to the whole process group. Resolves with the exit code and the time it took. */
export async function interrupt(run: Running): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  const exited = once(run.child, 'exit');
  process.kill(-run.child.pid!, 'SIGINT');
  const [code] = (await exited) as [number | null];
  return { code, ms: Date.now() - started };
}

afterEach(() => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null && run.child.signalCode === null)
      process.kill(-run.child.pid!, 'SIGKILL');
  }
});
