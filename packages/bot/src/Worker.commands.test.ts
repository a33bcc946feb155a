import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from './commands/Command.js';
import {
  BOT_ID,
  CHANNEL_ID,
  createHarness,
  GUILD_ID,
  type Harness,
  messageEnvelope,
  publishEnvelope,
} from './testing/index.js';
import type { WorkerOptions } from './Worker.js';

let harness: Harness;
afterEach(() => harness?.close());

interface Call {
  name: string;
  invokedAs: string;
  prefix: string;
  args: string[];
  argText: string;
}

/** A worker with `say` (alias `s`) and `ping` that record their calls, and a listener that counts every message. */
async function commandBot(options: Partial<WorkerOptions> = {}) {
  harness = await createHarness(options);
  const calls: Call[] = [];
  const seen: string[] = [];
  const record = (ctx: CommandContext, args: string[]) => {
    calls.push({
      name: ctx.command.name,
      invokedAs: ctx.invokedAs,
      prefix: ctx.prefix,
      args,
      argText: ctx.argText,
    });
  };
  harness.worker
    .on('MESSAGE_CREATE', (message) => {
      seen.push(message.content);
    })
    .command({ name: 'say', description: 'says it', aliases: ['s'], run: record })
    .command({ name: 'ping', description: 'pong', run: record });
  await harness.worker.start();
  /** Sends messages and resolves once the listener has seen them all (commands run after it). */
  const send = async (...envelopes: ReturnType<typeof messageEnvelope>[]) => {
    for (const env of envelopes) await publishEnvelope(harness.broker, env);
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(envelopes.length));
    await harness.worker.stop();
  };
  return { calls, send };
}

describe('prefix commands', () => {
  it('parses the prefix, the name and quoted arguments', async () => {
    const { calls, send } = await commandBot();
    await send(messageEnvelope('!say "hello there" world'));
    expect(calls).toEqual([
      {
        name: 'say',
        invokedAs: 'say',
        prefix: '!',
        args: ['hello there', 'world'],
        argText: '"hello there" world',
      },
    ]);
  });

  it('runs a command by its alias, whatever the case', async () => {
    const { calls, send } = await commandBot();
    await send(messageEnvelope('!S hi'), messageEnvelope('!PING'));
    expect(calls.map((c) => [c.name, c.invokedAs])).toEqual(
      expect.arrayContaining([
        ['say', 's'],
        ['ping', 'ping'],
      ]),
    );
    expect(calls).toHaveLength(2);
  });

  it('ignores unknown commands, other prefixes and plain messages', async () => {
    const { calls, send } = await commandBot();
    await send(
      messageEnvelope('!nope'),
      messageEnvelope('?ping'),
      messageEnvelope('ping'),
      messageEnvelope('! ping'),
      messageEnvelope(''),
    );
    expect(calls).toEqual([]);
    expect(harness.rest.requests).toEqual([]);
  });

  it('ignores bots, itself and webhooks', async () => {
    const { calls, send } = await commandBot();
    const bot = {
      id: '555',
      username: 'otherbot',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    };
    const self = { id: BOT_ID, username: 'me', discriminator: '0', global_name: null, avatar: null };
    await send(
      messageEnvelope('!ping', { author: bot }),
      messageEnvelope('!ping', { author: self }),
      messageEnvelope('!ping', { webhook_id: '777' }),
    );
    expect(calls).toEqual([]);
  });

  it('uses the configured prefixes', async () => {
    const { calls, send } = await commandBot({ prefix: ['?', 'bot '] });
    await send(messageEnvelope('?ping'), messageEnvelope('bot ping'), messageEnvelope('!ping'));
    expect(calls.map((c) => c.prefix).sort()).toEqual(['?', 'bot ']);
  });

  it('runs commands addressed by mention unless mentionPrefix is off', async () => {
    const { calls, send } = await commandBot();
    await send(
      messageEnvelope(`<@${BOT_ID}> ping`),
      messageEnvelope(`<@!${BOT_ID}> say hi`),
      messageEnvelope('<@1> ping'),
    );
    expect(calls.map((c) => [c.prefix, c.name]).sort()).toEqual([
      [`<@!${BOT_ID}>`, 'say'],
      [`<@${BOT_ID}>`, 'ping'],
    ]);

    await harness.close();
    const off = await commandBot({ mentionPrefix: false });
    await off.send(messageEnvelope(`<@${BOT_ID}> ping`), messageEnvelope('!ping'));
    expect(off.calls.map((c) => c.prefix)).toEqual(['!']);
  });

  it('asks the prefix resolver per message, falling back to ! when it has none', async () => {
    const resolver = vi.fn(async (message: { guild_id?: string }) =>
      message.guild_id === GUILD_ID ? '$' : undefined,
    );
    const { calls, send } = await commandBot({ prefix: resolver });
    await send(
      messageEnvelope('$ping'),
      messageEnvelope('!ping'),
      messageEnvelope('!ping', { guild_id: '999' }),
      messageEnvelope('$ping', { guild_id: '999' }),
    );
    expect(calls.map((c) => c.prefix).sort()).toEqual(['!', '$']);
    expect(resolver).toHaveBeenCalledTimes(4);
  });

  it('replies in the channel, referencing the message, without pinging anyone', async () => {
    harness = await createHarness();
    harness.worker.command({
      name: 'hi',
      description: 'greets',
      run: async (ctx) => {
        await ctx.reply('@everyone hi');
      },
    });
    await harness.worker.start();
    const env = messageEnvelope('!hi');
    await publishEnvelope(harness.broker, env);
    await vi.waitFor(() => expect(harness.rest.requests).toHaveLength(1));
    const [request] = harness.rest.requests;
    expect(request).toMatchObject({
      method: 'POST',
      path: `/channels/${CHANNEL_ID}/messages`,
      body: {
        content: '@everyone hi',
        allowed_mentions: { parse: [], replied_user: false },
        message_reference: {
          message_id: env.d.id,
          channel_id: CHANNEL_ID,
          guild_id: GUILD_ID,
          fail_if_not_exists: false,
        },
        enforce_nonce: true,
      },
    });
    expect((request!.body as { nonce: string }).nonce).toHaveLength(25);
  });

  it('lets a reply body override the defaults', async () => {
    harness = await createHarness();
    harness.worker.command({
      name: 'hi',
      description: 'greets',
      run: async (ctx) => {
        await ctx.reply({ content: 'hi <@1>', allowed_mentions: { users: ['1'] } });
      },
    });
    await harness.worker.start();
    await publishEnvelope(harness.broker, messageEnvelope('!hi'));
    await vi.waitFor(() => expect(harness.rest.requests).toHaveLength(1));
    expect(harness.rest.requests[0]?.body).toMatchObject({
      content: 'hi <@1>',
      allowed_mentions: { users: ['1'] },
    });
  });

  it('lists its commands', async () => {
    await commandBot();
    expect(harness.worker.commands.map((c) => c.name)).toEqual(['say', 'ping']);
  });
});
