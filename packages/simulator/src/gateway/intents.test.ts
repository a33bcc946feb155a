import { describe, expect, it } from 'vitest';
import { intentFor, isWanted, messageForIntents } from './intents.js';

const BOT = '100000000000000001';
const message = {
  author: { id: '200000000000000002' },
  content: 'hello',
  embeds: [{ title: 't' }],
  attachments: [{ id: '1' }],
  components: [{ type: 1 }],
  mentions: [] as { id: string }[],
};

describe('intents', () => {
  it.each([
    ['MESSAGE_CREATE', true, 512],
    ['MESSAGE_CREATE', false, 4096],
    ['GUILD_MEMBER_ADD', true, 2],
    ['CHANNEL_UPDATE', true, 1],
    ['READY', true, 0],
    ['GUILD_MEMBERS_CHUNK', true, 0],
  ] as [string, boolean, number][])('%s (in guild: %s) needs %i', (event, inGuild, bit) => {
    expect(intentFor(event, inGuild)).toBe(bit);
  });

  it('wants events with their intent or without any', () => {
    expect(isWanted('MESSAGE_CREATE', true, 1)).toBe(false);
    expect(isWanted('MESSAGE_CREATE', true, 512)).toBe(true);
    expect(isWanted('RESUMED', true, 0)).toBe(true);
  });
});

describe('messageForIntents', () => {
  const blank = { content: '', embeds: [], attachments: [], components: [] };
  it.each([
    ['blanked without MESSAGE_CONTENT', message, 512, true, blank],
    ['kept with MESSAGE_CONTENT', message, 512 | 32768, true, {}],
    ['kept when the bot is mentioned', { ...message, mentions: [{ id: BOT }] }, 512, true, {}],
    ["kept in the bot's own message", { ...message, author: { id: BOT } }, 512, true, {}],
    ['kept in DMs', message, 4096, false, {}],
  ] as [string, typeof message, number, boolean, object][])(
    '%s',
    (_name, input, intents, inGuild, changed) => {
      expect(messageForIntents(input as never, BOT, intents, inGuild)).toEqual({ ...input, ...changed });
    },
  );
});
