/**
 * `shardwire up` exactly as the README runs it (`npx shardwire up`), as a child process: the bot
 * learns of a guild created at run time and answers in it; `--shards 4 --guilds 2000` comes up and
 * says so; Ctrl-C (SIGINT to the process group, as a terminal sends it) stops it with exit code 0.
 * npm's own `npx` process re-raises the SIGINT it receives (the shell reports 130 for it), so the
 * exit code is asserted on the installed bin that npx runs, `node_modules/.bin/shardwire`.
 */
import { describe, expect, it } from 'vitest';
import { SimControl, textChannelOf } from '../support/simControl.js';
import { interrupt, startUp, untilOutput } from '../support/upProcess.js';

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
