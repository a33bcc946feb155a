import { describe, expect, it } from 'vitest';
import { routeOf, tokenDigest } from './routes.js';

const NOW = 1_800_000_000_000;
const C = '222222222222222222';
const G = '333333333333333333';
const M = '444444444444444444';
const U = '555555555555555555';
const W = '666666666666666666';
const TOKEN = 'a'.repeat(68);
const MSG_2S_OLD = '1593540232609792000';
const MSG_1MIN_OLD = '1593539989340160000';
const MSG_15D_OLD = '1588104423014400000';
const T = tokenDigest(TOKEN);

// [method, path, bucketRoute, major, flags]
const rows: [string, string, string, string, string?][] = [
  ['POST', `/channels/${C}/messages`, 'POST /channels/:channel/messages', C],
  ['GET', `/channels/${C}/messages?limit=50`, 'GET /channels/:channel/messages', C],
  ['PATCH', `/channels/${C}/messages/${M}`, 'PATCH /channels/:channel/messages/:id', C],
  ['GET', `/channels/${C}`, 'GET /channels/:channel', C],
  ['PATCH', `/channels/${C}/`, 'PATCH /channels/:channel', C],
  ['DELETE', `/channels/${C}/messages/${MSG_1MIN_OLD}`, 'DELETE /channels/:channel/messages/:id', C],
  ['DELETE', `/channels/${C}/messages/${MSG_2S_OLD}`, 'DELETE /channels/:channel/messages/:id(new)', C],
  ['DELETE', `/channels/${C}/messages/${MSG_15D_OLD}`, 'DELETE /channels/:channel/messages/:id(old)', C],
  ['GET', `/channels/${C}/messages/${MSG_2S_OLD}`, 'GET /channels/:channel/messages/:id', C],
  ['DELETE', `/channels/${C}/pins/${MSG_2S_OLD}`, 'DELETE /channels/:channel/pins/:id', C],
  [
    'PUT',
    `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D/@me`,
    'PUT /channels/:channel/messages/:id/reactions/:emoji/:user',
    C,
  ],
  [
    'PUT',
    `/channels/${C}/messages/${M}/reactions/party%3A${U}/@me`,
    'PUT /channels/:channel/messages/:id/reactions/:emoji/:user',
    C,
  ],
  [
    'DELETE',
    `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D/${U}`,
    'DELETE /channels/:channel/messages/:id/reactions/:emoji/:user',
    C,
  ],
  [
    'DELETE',
    `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D/@me`,
    'DELETE /channels/:channel/messages/:id/reactions/:emoji/:user',
    C,
  ],
  [
    'GET',
    `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D?limit=5`,
    'GET /channels/:channel/messages/:id/reactions/:emoji',
    C,
  ],
  [
    'DELETE',
    `/channels/${C}/messages/${M}/reactions/%F0%9F%91%8D`,
    'DELETE /channels/:channel/messages/:id/reactions/:emoji',
    C,
  ],
  ['DELETE', `/channels/${C}/messages/${M}/reactions`, 'DELETE /channels/:channel/messages/:id/reactions', C],
  ['PATCH', `/guilds/${G}/members/${U}`, 'PATCH /guilds/:guild/members/:id', G],
  ['PUT', `/guilds/${G}/bans/${U}`, 'PUT /guilds/:guild/bans/:id', G],
  ['GET', `/guilds/${G}`, 'GET /guilds/:guild', G],
  ['GET', '/guilds/templates/abcDEF123', 'GET /guilds/templates/:code', 'global'],
  ['GET', '/invites/abcDEF?with_counts=true', 'GET /invites/:code', 'global'],
  ['GET', '/gateway/bot', 'GET /gateway/bot', 'global'],
  ['GET', '/users/@me', 'GET /users/@me', 'global'],
  ['GET', `/users/${U}`, 'GET /users/:id', 'global'],
  ['POST', '/users/@me/channels', 'POST /users/@me/channels', 'global'],
  ['PUT', `/applications/${U}/commands`, 'PUT /applications/:id/commands', 'global'],
  [
    'PATCH',
    `/applications/${U}/guilds/${G}/commands/${M}`,
    'PATCH /applications/:id/guilds/:id/commands/:id',
    'global',
  ],
  ['POST', '/oauth2/token', 'POST /oauth2/token', 'global'],
  ['GET', `/webhooks/${W}`, 'GET /webhooks/:webhook', W],
  ['POST', `/webhooks/${W}/${TOKEN}?wait=true`, 'POST /webhooks/:webhook/:token', `${W}/${T}`, 'webhook'],
  [
    'PATCH',
    `/webhooks/${W}/${TOKEN}/messages/@original`,
    'PATCH /webhooks/:webhook/:token/messages/@original',
    `${W}/${T}`,
    'webhook',
  ],
  [
    'DELETE',
    `/webhooks/${W}/${TOKEN}/messages/${M}`,
    'DELETE /webhooks/:webhook/:token/messages/:id',
    `${W}/${T}`,
    'webhook',
  ],
  [
    'POST',
    `/interactions/${M}/${TOKEN}/callback`,
    'POST /interactions/:interaction/:token/callback',
    `${M}/${T}`,
    'interaction',
  ],
  ['post', `/channels/${C}/typing`, 'POST /channels/:channel/typing', C],
];

describe('routeOf', () => {
  it.each(rows)('%s %s → %s (major %s)', (method, path, bucketRoute, major, flags) => {
    const route = routeOf(method, path, NOW);
    expect(route.bucketRoute).toBe(bucketRoute);
    expect(route.major).toBe(major);
    expect(route.interaction).toBe(flags === 'interaction');
    expect(route.webhookWithToken).toBe(flags === 'webhook');
    expect(route.globalExempt).toBe(flags !== undefined);
  });

  it('never keeps a webhook or interaction token in the route', () => {
    for (const path of [`/webhooks/${W}/${TOKEN}`, `/interactions/${M}/${TOKEN}/callback`]) {
      const route = routeOf('POST', path, NOW);
      expect(JSON.stringify(route)).not.toContain(TOKEN);
    }
  });

  it('keeps two channels in two majors of one bucket route', () => {
    const a = routeOf('POST', `/channels/${C}/messages`, NOW);
    const b = routeOf('POST', `/channels/${U}/messages`, NOW);
    expect(a.bucketRoute).toBe(b.bucketRoute);
    expect(a.major).not.toBe(b.major);
  });
});
