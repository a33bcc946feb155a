import { ManualClock, SnowflakeGenerator } from '@shardwire/core';
import { GatewayIntentBits } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../gateway/dispatcher.js';
import { MessageJsonText, messageForIntents } from '../gateway/intents.js';
import { SessionRegistry } from '../gateway/sessionRegistry.js';
import { makeMessage, memberJson, memberWithUser } from '../state/factories.js';
import { IdSource } from '../state/idSource.js';
import { createRandom } from '../state/random.js';
import { Store } from '../state/store.js';
import { buildLoadEvent, LOAD_EVENTS } from './loadEvents.js';
import { World } from './world.js';

const T0 = 1_750_000_000_000;

describe('buildLoadEvent', () => {
  const clock = new ManualClock(T0);
  const store = new Store();
  const world = new World(
    store,
    new Dispatcher(store, new SessionRegistry(clock, 1000)),
    new IdSource(clock, createRandom(1), true),
    createRandom(1),
    clock,
  );
  const bot = world.createBot({ username: 'load-bot' });
  const guild = world.createGuild({ members: 6, channels: 3, roles: 2 });
  // A member with roles and a changed field, as edits leave them: that record's text is made another way.
  const [first, second] = [...guild.members.values()].filter((m) => m.userId !== bot.user.id);
  first!.roles = [...guild.roles.keys()].slice(1);
  second!.changed = { nick: 'edited "nick"' };
  const ids = new SnowflakeGenerator(31n, 31n, () => clock.now());
  const timestamp = new Date(T0).toISOString();

  /** The member an event is about: `user_id`, the message author or the presence's user. */
  function userIdOf(d: Record<string, unknown>): string {
    return (d.user_id ??
      (d.author as { id: string } | undefined)?.id ??
      (d.user as { id: string }).id) as string;
  }

  /** What the object builders make for the ids and fields the text carries. */
  function fromObjects(kind: string, d: Record<string, unknown>): unknown {
    const userId = userIdOf(d);
    const record = guild.members.get(userId)!;
    const user = store.users.get(userId)!;
    const common = { channel_id: d.channel_id as string, guild_id: guild.guild.id };
    switch (kind) {
      case 'MESSAGE_CREATE':
        return Object.assign(
          makeMessage({
            id: d.id as string,
            channelId: common.channel_id,
            author: user,
            content: d.content as string,
            timestamp,
          }),
          { member: memberJson(record), guild_id: guild.guild.id },
        );
      case 'TYPING_START':
        return {
          ...common,
          user_id: userId,
          timestamp: Math.floor(T0 / 1000),
          member: memberWithUser(record, user),
        };
      case 'MESSAGE_REACTION_ADD':
        return {
          user_id: userId,
          channel_id: common.channel_id,
          message_id: d.message_id,
          guild_id: guild.guild.id,
          member: memberWithUser(record, user),
          emoji: d.emoji,
          burst: false,
          type: 0,
        };
      default:
        return {
          user: { id: userId },
          guild_id: guild.guild.id,
          status: d.status,
          activities: [],
          client_status: { desktop: d.status },
        };
    }
  }

  it.each(LOAD_EVENTS)('%s text is the object builders’ JSON, byte for byte', (kind) => {
    const random = createRandom(7);
    const members = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const text = buildLoadEvent(kind, store, guild, ids, random, T0, timestamp)!;
      const d = JSON.parse(text.json) as Record<string, unknown>;
      expect(text.json).toBe(JSON.stringify(fromObjects(kind, d)));
      members.add(userIdOf(d));
    }
    // Every member but the bot was drawn, the edited ones included.
    expect(members).toEqual(new Set([...guild.members.keys()].filter((id) => id !== bot.user.id)));
  });

  it('blanks a message for a bot without MESSAGE_CONTENT as messageForIntents does', () => {
    const text = buildLoadEvent('MESSAGE_CREATE', store, guild, ids, createRandom(3), T0, timestamp);
    expect(text).toBeInstanceOf(MessageJsonText);
    const message = text as MessageJsonText;
    const object = JSON.parse(message.json);
    const without = GatewayIntentBits.GuildMessages;
    expect(message.forIntents(bot.user.id, without, true).json).toBe(
      JSON.stringify(messageForIntents(object, bot.user.id, without, true)),
    );
    expect(JSON.parse(message.forIntents(bot.user.id, without, true).json).content).toBe('');
    expect(message.forIntents(bot.user.id, without | GatewayIntentBits.MessageContent, true)).toBe(message);
  });
});
