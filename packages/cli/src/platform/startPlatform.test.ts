/**
 * The platform in one process with its worker stopped: 1,000 messages posted meanwhile are all
 * answered once it starts again, none lost and none answered twice (counted through `/_sim`).
 * The simulator enforces Discord's limits (5 messages per 5 s per channel, 50 requests/s per bot),
 * so the replies are spread over 50 channels and the rest-proxy paces them: about 20 s.
 */
import { createLogger, loadConfig } from '@shardwire/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimControl, textChannelOf } from '../../../../test/support/simControl.js';
import { platformSettings } from './settings.js';
import { type Platform, startPlatform } from './startPlatform.js';

let platform: Platform;
let sim: SimControl;

beforeAll(async () => {
  const config = loadConfig(platformSettings, {
    env: {},
    flags: { port: '0', guilds: '2', 'log-level': 'silent' },
  });
  platform = await startPlatform(config, createLogger({ name: 'up-test', level: 'silent' }));
  sim = new SimControl(platform.simulator!.url);
});

afterAll(() => platform?.close());

describe('startPlatform', () => {
  it('holds the messages posted while the worker is stopped and answers each exactly once', async () => {
    const guild = await sim.createGuild({ name: 'backlog', channels: 50 });
    const channels = guild.channels.filter((c) => c.type === 0).map((c) => c.id);
    const first = textChannelOf(guild);
    // The guild is known (and the worker answering) before it is stopped.
    await sim.replyTo(first, await sim.post(first, '!echo warm-up'));

    await platform.worker.stop();
    const posted = new Map<string, string>();
    for (let i = 0; i < 1000; i++) {
      const channel = channels[i % channels.length]!;
      const message = await sim.post(channel, `!echo backlog-${i}`);
      posted.set(message.id, `backlog-${i}`);
    }
    // Stopped means stopped: nothing answered yet.
    const before = (await Promise.all(channels.map((c) => sim.messages(c)))).flat();
    expect(before.filter((m) => m.content.startsWith('backlog-'))).toHaveLength(0);

    await platform.worker.start();
    const answered = () =>
      Promise.all(channels.map((c) => sim.messages(c))).then((all) =>
        all.flat().filter((m) => m.author.id === platform.bot.id && m.content.startsWith('backlog-')),
      );
    const deadline = Date.now() + 90_000;
    let replies = await answered();
    while (replies.length < 1000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      replies = await answered();
    }
    // Give a duplicate the chance to show up before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    replies = await answered();

    expect(replies).toHaveLength(1000);
    const byOriginal = new Map(replies.map((r) => [r.message_reference?.message_id, r.content]));
    expect(byOriginal.size).toBe(1000);
    for (const [id, text] of posted) expect(byOriginal.get(id)).toBe(text);
  }, 150_000);
});
