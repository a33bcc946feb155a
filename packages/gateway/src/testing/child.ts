/** `shardwire gateway` as a child process (built CLI), for restart and multi-process tests. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const cliBin = fileURLToPath(new URL('../../../cli/bin/shardwire.js', import.meta.url));
export const cliBuilt = existsSync(fileURLToPath(new URL('../../../cli/dist/main.js', import.meta.url)));

// One spool directory per test file, kept across the restarts a test makes, never in the work tree.
const spoolDir = mkdtempSync(join(tmpdir(), 'shardwire-gateway-spool-'));

export interface GatewayChild {
  process: ChildProcess;
  /** Every log line so far. */
  lines: string[];
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** SIGINT, and waits for the exit code. */
  stop(): Promise<number | null>;
  kill(): Promise<void>;
}

export function spawnGateway(env: Record<string, string>): GatewayChild {
  const child = spawn(process.execPath, [cliBin, 'gateway'], {
    env: { ...process.env, LOG_LEVEL: 'info', GATEWAY_PORT: '0', GATEWAY_SPOOL_DIR: spoolDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    lines,
    async waitForLine(pattern, timeoutMs = 20_000) {
      const started = Date.now();
      for (;;) {
        const line = lines.find((l) => pattern.test(l));
        if (line) return line;
        if (child.exitCode !== null)
          throw new Error(`gateway exited (${child.exitCode}):\n${lines.join('\n')}`);
        if (Date.now() - started > timeoutMs) throw new Error(`no line ${pattern} in:\n${lines.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
