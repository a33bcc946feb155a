/** OAuth2: authorize (code, state, PKCE S256), token (form-urlencoded only: code, refresh), revoke. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SCOPES, type TokenResult } from '../../world/oauth2.js';
import type { World } from '../../world/world.js';
import type { RestContext } from '../context.js';

const FORM = 'application/x-www-form-urlencoded';
const open = { config: { auth: false } };

const oauthError = (reply: FastifyReply, status: number, error: string, error_description: string) =>
  reply.code(status).send({ error, error_description });

/** `Authorization: Basic base64(id:secret)` or `client_id` + `client_secret` in the form. */
function clientOf(
  request: FastifyRequest,
  form: Record<string, string>,
): { id: string | undefined; secret: string | undefined } {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0)
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
  }
  return { id: form.client_id, secret: form.client_secret };
}

function formOf(request: FastifyRequest): Record<string, string> | undefined {
  const type = request.headers['content-type'];
  if (typeof type !== 'string' || !type.startsWith(FORM)) return undefined;
  return (request.body as Record<string, string> | undefined) ?? {};
}

const appExists = (world: World, clientId: string | undefined) =>
  clientId !== undefined && [...world.store.bots.values()].some((bot) => bot.applicationId === clientId);

export function oauth2Routes(app: FastifyInstance, ctx: RestContext): void {
  const { world } = ctx;
  const { oauth2, store } = world;

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/oauth2/authorize',
    open,
    async (request, reply) => {
      const q = request.query;
      if (!appExists(world, q.client_id))
        return oauthError(reply, 400, 'invalid_request', 'Unknown client_id.');
      let redirect: URL;
      try {
        redirect = new URL(q.redirect_uri ?? '');
        if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') throw new Error('scheme');
      } catch {
        return oauthError(reply, 400, 'invalid_request', 'Invalid "redirect_uri" in request.');
      }
      const back = (params: Record<string, string>) => {
        for (const [key, value] of Object.entries(params)) redirect.searchParams.set(key, value);
        if (q.state !== undefined) redirect.searchParams.set('state', q.state);
        return reply.redirect(redirect.toString(), 302);
      };
      if (q.response_type !== 'code') return back({ error: 'unsupported_response_type' });
      const scopes = (q.scope ?? '').split(/[ +]/).filter(Boolean);
      if (scopes.length === 0 || scopes.some((s) => !SCOPES.has(s))) return back({ error: 'invalid_scope' });
      if (q.code_challenge !== undefined && q.code_challenge_method !== 'S256')
        return back({ error: 'invalid_request', error_description: 'code_challenge_method must be S256' });
      // The simulator's user "clicks Authorize": the one named by user_id, else the first human user.
      const user =
        q.user_id !== undefined ? store.users.get(q.user_id) : [...store.users.values()].find((u) => !u.bot);
      if (!user || user.bot) return back({ error: 'access_denied' });
      const code = oauth2.issueCode(
        { clientId: q.client_id!, userId: user.id, scopes },
        q.redirect_uri!,
        q.code_challenge,
      );
      return back({ code });
    },
  );

  app.post('/oauth2/token', open, async (request, reply) => {
    const form = formOf(request);
    if (!form) return oauthError(reply, 400, 'invalid_request', `The request body must be ${FORM}.`);
    const client = clientOf(request, form);
    if (!appExists(world, client.id)) return oauthError(reply, 401, 'invalid_client', 'Unknown client.');
    const authenticated = client.secret !== undefined && oauth2.checkSecret(client.id!, client.secret);
    if (client.secret !== undefined && !authenticated)
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    let result: TokenResult;
    if (form.grant_type === 'authorization_code')
      result = oauth2.exchangeCode({
        code: form.code ?? '',
        clientId: client.id!,
        redirectUri: form.redirect_uri,
        verifier: form.code_verifier,
        clientAuthenticated: authenticated,
      });
    else if (form.grant_type === 'refresh_token') {
      if (!authenticated) return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
      result = oauth2.refresh(form.refresh_token ?? '', client.id!);
    } else return oauthError(reply, 400, 'unsupported_grant_type', 'Unsupported grant type.');
    if (!result.ok)
      return oauthError(
        reply,
        result.error === 'invalid_client' ? 401 : 400,
        result.error,
        result.error_description,
      );
    const { ok: _, ...tokens } = result;
    return tokens;
  });

  app.post('/oauth2/token/revoke', open, async (request, reply) => {
    const form = formOf(request);
    if (!form) return oauthError(reply, 400, 'invalid_request', `The request body must be ${FORM}.`);
    const client = clientOf(request, form);
    if (
      !appExists(world, client.id) ||
      client.secret === undefined ||
      !oauth2.checkSecret(client.id!, client.secret)
    )
      return oauthError(reply, 401, 'invalid_client', 'Client authentication failed.');
    oauth2.revoke(form.token ?? '', client.id!);
    return {};
  });
}
