/** OAuth2 end to end: authorize with state and PKCE, token exchange (forms only), refresh, revoke, Bearer routes. */
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../testing/harness.js';

const REDIRECT = 'http://127.0.0.1:9/callback';

describe('OAuth2', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${h.sim.restUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  const authorize = async (params: Record<string, string>) => {
    const response = await fetch(`${h.sim.restUrl}/oauth2/authorize?${new URLSearchParams(params)}`, {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    return new URL(response.headers.get('location')!);
  };
  const bearer = (token: string, path: string) =>
    fetch(`${h.sim.restUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });

  it('code with PKCE S256 and state → tokens → /users/@me and /users/@me/guilds; refresh rotates; revoke ends', async () => {
    h = await startHarness({ guilds: 2, rateLimits: false });
    const clientId = h.sim.defaultBot.applicationId;
    const { clientSecret } = (await h.control('GET', `/bots/${h.sim.defaultBot.id}/oauth2`)).body;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const back = await authorize({
      response_type: 'code',
      client_id: clientId,
      scope: 'identify guilds',
      redirect_uri: REDIRECT,
      state: 'xyz',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('xyz');
    const code = back.searchParams.get('code')!;

    // JSON is refused; a wrong verifier burns nothing but fails; the right one works once.
    const json = await fetch(`${h.sim.restUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'authorization_code', code }),
    });
    expect(json.status).toBe(400);
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      client_id: clientId,
      code_verifier: verifier,
    };
    const tokens = (await (await form('/oauth2/token', exchange)).json()) as Record<string, string | number>;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 604800, scope: 'identify guilds' });
    expect((await form('/oauth2/token', exchange)).status).toBe(400); // single use

    const me = (await (await bearer(String(tokens.access_token), '/users/@me')).json()) as {
      id: string;
      bot?: boolean;
    };
    expect(me.bot).toBeFalsy();
    const guilds = (await (await bearer(String(tokens.access_token), '/users/@me/guilds')).json()) as {
      id: string;
    }[];
    expect(guilds.length).toBeGreaterThanOrEqual(1);
    expect((await bearer(String(tokens.access_token), '/gateway/bot')).status).toBe(401);

    const basic = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    const refreshed = await form(
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token) },
      { authorization: basic },
    );
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as Record<string, string>;
    expect((await bearer(String(tokens.access_token), '/users/@me')).status).toBe(401);
    expect((await bearer(next.access_token!, '/users/@me')).status).toBe(200);
    expect(
      (await form('/oauth2/token/revoke', { token: next.access_token! }, { authorization: basic })).status,
    ).toBe(200);
    expect((await bearer(next.access_token!, '/users/@me')).status).toBe(401);
  });

  it('refuses a wrong verifier, a wrong redirect_uri, a code without PKCE or secret, bad scopes', async () => {
    h = await startHarness({ guilds: 1, rateLimits: false });
    const clientId = h.sim.defaultBot.applicationId;
    const { clientSecret } = (await h.control('GET', `/bots/${h.sim.defaultBot.id}/oauth2`)).body;
    const base = { response_type: 'code', client_id: clientId, scope: 'identify', redirect_uri: REDIRECT };
    const pkce = await authorize({ ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' });
    const wrongVerifier = await form('/oauth2/token', {
      grant_type: 'authorization_code',
      code: pkce.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: clientId,
      code_verifier: 'nope',
    });
    expect(await wrongVerifier.json()).toMatchObject({ error: 'invalid_grant' });

    const plain = await authorize(base);
    const wrongRedirect = await form('/oauth2/token', {
      grant_type: 'authorization_code',
      code: plain.searchParams.get('code')!,
      redirect_uri: 'http://127.0.0.1:9/other',
      client_id: clientId,
      client_secret: clientSecret,
    });
    expect(wrongRedirect.status).toBe(400);
    const noSecret = await authorize(base);
    const unauthenticated = await form('/oauth2/token', {
      grant_type: 'authorization_code',
      code: noSecret.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: clientId,
    });
    expect(unauthenticated.status).toBe(401);
    const withSecret = await authorize(base);
    expect(
      (
        await form('/oauth2/token', {
          grant_type: 'authorization_code',
          code: withSecret.searchParams.get('code')!,
          redirect_uri: REDIRECT,
          client_id: clientId,
          client_secret: clientSecret,
        })
      ).status,
    ).toBe(200);
    expect((await form('/oauth2/token', { grant_type: 'password', client_id: clientId })).status).toBe(400);
    expect((await authorize({ ...base, scope: 'admin' })).searchParams.get('error')).toBe('invalid_scope');
    expect(
      (await authorize({ ...base, code_challenge: 'x', code_challenge_method: 'plain' })).searchParams.get(
        'error',
      ),
    ).toBe('invalid_request');
  });
});
