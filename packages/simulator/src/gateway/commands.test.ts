import { describe, expect, it } from 'vitest';
import { CloseCode } from './closeCodes.js';
import { parsePresenceUpdate, parseVoiceStateUpdate } from './commands.js';

describe('parsePresenceUpdate', () => {
  it.each([
    [{ since: null, activities: [], status: 'online', afk: false }, true],
    [{ since: 1, activities: [{ name: 'x', type: 0 }], status: 'dnd', afk: true }, true],
    [{ activities: [], status: 'idle' }, true],
    [{ since: null, activities: [], status: 'busy', afk: false }, false],
    [{ since: 'now', activities: [], status: 'online', afk: false }, false],
    [{ since: null, status: 'online', afk: false }, false],
    [
      {
        since: null,
        activities: [
          { name: 'a', type: 0 },
          { name: 'b', type: 0 },
        ],
        status: 'online',
      },
      false,
    ],
    [{ since: null, activities: [{ type: 0 }], status: 'online' }, false],
    ['online', false],
  ])('%j → ok %s', (d, ok) => {
    const result = parsePresenceUpdate(d);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.code).toBe(CloseCode.UnknownOpcode);
  });
});

describe('parseVoiceStateUpdate', () => {
  it.each([
    [{ guild_id: '1', channel_id: '2', self_mute: false, self_deaf: true }, true],
    [{ guild_id: '1', channel_id: null, self_mute: false, self_deaf: false }, true],
    [{ guild_id: 'x', channel_id: null, self_mute: false, self_deaf: false }, false],
    [{ guild_id: '1', channel_id: 2, self_mute: false, self_deaf: false }, false],
    [{ guild_id: '1', channel_id: null }, false],
    [null, false],
  ])('%j → ok %s', (d, ok) => {
    expect(parseVoiceStateUpdate(d).ok).toBe(ok);
  });
});
