/** Discord's error bodies for bad REST input: 401, 404, 10003, 10008, 50001, 50005, 50006, 50035, 50109. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

describe('REST errors', () => {
  let h: Harness;
  let channelId: string;
  beforeEach(async () => {
    h = await startHarness({ guilds: 1 });
    channelId = (await h.control('GET', '/guilds')).body[0].channels[0].id;
  });
  afterEach(async () => {
    await h.close();
  });

  it('401 without a token or with a wrong one', async () => {
    expect(await h.rest('MTIz.wrong.token')('GET', '/users/@me')).toEqual({
      status: 401,
      body: { code: 0, message: '401: Unauthorized' },
    });
    const bare = await fetch(`${h.sim.restUrl}/users/@me`);
    expect(bare.status).toBe(401);
    expect(bare.headers.get('content-type')).toBe('application/json');
  });

  it('GET /gateway needs no token', async () => {
    const response = await fetch(`${h.sim.restUrl}/gateway`);
    expect(await response.json()).toEqual({ url: h.sim.gatewayUrl });
  });

  it('404 with code 0 for an unknown route, under /api/v9 too', async () => {
    expect(await h.rest()('GET', '/no/such/route')).toEqual({
      status: 404,
      body: { code: 0, message: '404: Not Found' },
    });
    const v9 = await fetch(`${h.sim.url}/api/v9/users/@me`, {
      headers: { authorization: `Bot ${h.sim.defaultBot.token}` },
    });
    expect(v9.status).toBe(200);
  });

  it('10003 unknown channel, 10008 unknown message, 10004 unknown guild', async () => {
    const rest = h.rest();
    expect((await rest('GET', '/channels/1234567890123456789')).body).toEqual({
      code: 10003,
      message: 'Unknown Channel',
    });
    expect((await rest('GET', `/channels/${channelId}/messages/1234567890123456789`)).body.code).toBe(10008);
    expect((await rest('GET', '/guilds/1234567890123456789')).body.code).toBe(10004);
  });

  it('50001 for a channel of a guild the bot is not in', async () => {
    const other = (await h.control('POST', '/bots', { username: 'other' })).body;
    const guild = (await h.control('POST', '/guilds', { name: 'not yours', bots: [other.id] })).body;
    const response = await h.rest()('POST', `/channels/${guild.channels[0].id}/messages`, { content: 'hi' });
    expect(response).toEqual({ status: 403, body: { code: 50001, message: 'Missing Access' } });
  });

  it('50109 for malformed JSON', async () => {
    const response = await h.rest()('POST', `/channels/${channelId}/messages`, '{"content": ');
    expect(response).toEqual({
      status: 400,
      body: { code: 50109, message: 'The request body contains invalid JSON.' },
    });
  });

  it('50035 with field errors for a bad body', async () => {
    const response = await h.rest()('POST', `/channels/${channelId}/messages`, {
      content: 'x'.repeat(2001),
      tts: 'yes',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: {
        content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 2000 or fewer in length.' }] },
        tts: { _errors: [{ code: 'BOOLEAN_TYPE_CONVERT', message: 'Must be a valid boolean.' }] },
      },
    });
    const list = await h.rest()('GET', `/channels/${channelId}/messages?limit=500`);
    expect(list.body.code).toBe(50035);
    expect(list.body.errors.limit._errors[0].code).toBe('NUMBER_TYPE_MAX');
  });

  it('50006 for an empty message, 50005 for editing a message of another user', async () => {
    expect((await h.rest()('POST', `/channels/${channelId}/messages`, { content: '   ' })).body.code).toBe(
      50006,
    );
    const human = (await h.control('POST', `/channels/${channelId}/messages`, { content: 'mine' })).body;
    const edit = await h.rest()('PATCH', `/channels/${channelId}/messages/${human.id}`, { content: 'yours' });
    expect(edit).toEqual({
      status: 403,
      body: { code: 50005, message: 'Cannot edit a message authored by another user' },
    });
  });

  it('counts requests by route and status in /_sim/stats', async () => {
    await h.rest()('GET', `/channels/${channelId}`);
    await h.rest()('GET', '/channels/1234567890123456789');
    const { rest } = (await h.control('GET', '/stats')).body;
    expect(rest['GET /channels/:channel_id']).toEqual({ '200': 1, '404': 1 });
  });
});
