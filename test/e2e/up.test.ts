/**
 * `shardwire up` exactly as the README runs it (`npx shardwire up`), as a child process: the bot
 * learns of a guild created at run time and answers in it; `--shards 4 --guilds 2000` comes up and
 * says so; Ctrl-C (SIGINT to the process group, as a terminal sends it) stops it with exit code 0.
 * npm's own `npx` process re-raises the SIGINT it receives (the shell reports 130 for it), so the
 * exit code is asserted on the installed bin that npx runs, `node_modules/.bin/shardwire`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { SimControl, textChannelOf } from '../support/simControl.js';

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

const running: Running[] = [];

const root = new URL('../..', import.meta.url).pathname;

function startUp(via: 'npx' | 'bin', args: string[]): Running {
  const [command, ...prefix] = via === 'npx' ? ['npx', 'shardwire'] : [`${root}node_modules/.bin/shardwire`];
  const child = spawn(command!, [...prefix, 'up', '--port', '0', ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.stderr!.on('data', (chunk) => (err += chunk));
  const run = { child, stdout: () => out, stderr: () => err };
  running.push(run);
  return run;
}

async function untilOutput(run: Running, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
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
async function interrupt(run: Running): Promise<{ code: number | null; ms: number }> {
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

describe('shardwire up', () => {
  it('answers !ping, !echo and !guilds in a guild created at run time, then stops on Ctrl-C', async () => {
    const run = startUp('npx', []);
    const [, guildsAtStart] = await untilOutput(run, /shardwire is up .* (\d+) guilds? in the cache/, 60_000);
    const [, simulatorUrl] = await untilOutput(run, /Simulator:\s+(http:\/\/\S+)/, 1_000);
    const sim = new SimControl(simulatorUrl!);

    const guild = await sim.createGuild({ name: 'end-to-end' });
    const channel = textChannelOf(guild);

    const ping = await sim.replyTo(channel, await sim.post(channel, '!ping'));
    expect(ping.content).toMatch(/^Pong! \d+ ms$/);
    expect(ping.author.bot).toBe(true);
    const echo = await sim.replyTo(channel, await sim.post(channel, '!echo hello'));
    expect(echo.content).toBe('hello');
    const guilds = await sim.replyTo(channel, await sim.post(channel, '!guilds'));
    expect(guilds.content).toBe(`I am in ${Number(guildsAtStart) + 1} guilds.`);

    const { ms } = await interrupt(run);
    expect(ms).toBeLessThan(5_000);
    expect(run.stdout()).toMatch(/shardwire stopped\.\n$/);
    expect(run.stderr()).not.toMatch(/unhandled|rejection|error/i);
  }, 90_000);

  it('comes up with --shards 4 --guilds 2000, says so, and exits 0 on Ctrl-C within 5 s', async () => {
    const run = startUp('bin', ['--shards', '4', '--guilds', '2000']);
    await untilOutput(run, /shardwire is up .*: \S+ on 4 shards, 2000 guilds in the cache/, 90_000);
    const { code, ms } = await interrupt(run);
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5_000);
    expect(run.stdout()).toMatch(/shardwire stopped\.\n$/);
    expect(run.stderr()).not.toMatch(/unhandled|rejection|error/i);
  }, 120_000);
});
