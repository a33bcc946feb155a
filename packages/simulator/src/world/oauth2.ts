/**
 * OAuth2 state: authorization codes (10 min, single use, optional PKCE S256), access tokens (7 days)
 * and refresh tokens (rotated on use), per app client secrets. Pure of HTTP.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const CODE_LIFETIME_MS = 10 * 60 * 1000;
export const ACCESS_TOKEN_LIFETIME_S = 7 * 24 * 60 * 60;
export const SCOPES = new Set([
  'identify',
  'email',
  'guilds',
  'guilds.members.read',
  'connections',
  'applications.commands',
  'bot',
]);

export interface Grant {
  clientId: string;
  userId: string;
  scopes: string[];
}

interface Code extends Grant {
  redirectUri: string;
  challenge: string | undefined;
  expiresAt: number;
}

interface Token extends Grant {
  refreshToken: string;
  expiresAt: number;
}

export type TokenResult =
  | {
      ok: true;
      access_token: string;
      token_type: 'Bearer';
      expires_in: number;
      refresh_token: string;
      scope: string;
    }
  | { ok: false; error: 'invalid_grant' | 'invalid_client' | 'invalid_request'; error_description: string };

const token = () => randomBytes(24).toString('base64url');

/** PKCE S256: `base64url(sha256(verifier)) == challenge`. */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

const sameText = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export class OAuth2 {
  readonly #secrets = new Map<string, string>();
  readonly #codes = new Map<string, Code>();
  readonly #access = new Map<string, Token>();
  readonly #refresh = new Map<string, string>();

  constructor(private readonly now: () => number) {}

  secretOf(clientId: string): string {
    let secret = this.#secrets.get(clientId);
    if (!secret) {
      secret = randomBytes(24).toString('base64url');
      this.#secrets.set(clientId, secret);
    }
    return secret;
  }

  /** Whether `secret` is the client's secret. */
  checkSecret(clientId: string, secret: string): boolean {
    return sameText(this.secretOf(clientId), secret);
  }

  issueCode(grant: Grant, redirectUri: string, challenge: string | undefined): string {
    const code = token();
    this.#codes.set(code, { ...grant, redirectUri, challenge, expiresAt: this.now() + CODE_LIFETIME_MS });
    return code;
  }

  /**
   * Exchanges a code: it must be unexpired and unused, for this client and redirect URI, with the
   * PKCE verifier when a challenge was given, else with the client's secret (`clientAuthenticated`).
   */
  exchangeCode(input: {
    code: string;
    clientId: string;
    redirectUri: string | undefined;
    verifier: string | undefined;
    clientAuthenticated: boolean;
  }): TokenResult {
    const code = this.#codes.get(input.code);
    this.#codes.delete(input.code);
    const invalid = (error_description: string): TokenResult => ({
      ok: false,
      error: 'invalid_grant',
      error_description,
    });
    if (!code || code.expiresAt <= this.now()) return invalid('Invalid "code" in request.');
    if (code.clientId !== input.clientId) return invalid('Invalid "code" in request.');
    if (code.redirectUri !== input.redirectUri) return invalid('Invalid "redirect_uri" in request.');
    if (code.challenge !== undefined) {
      if (!input.verifier || !sameText(s256(input.verifier), code.challenge))
        return invalid('Invalid "code_verifier" in request.');
    } else if (!input.clientAuthenticated)
      return { ok: false, error: 'invalid_client', error_description: 'Client authentication failed.' };
    return this.#issue(code);
  }

  refresh(refreshToken: string, clientId: string): TokenResult {
    const access = this.#refresh.get(refreshToken);
    const grant = access ? this.#access.get(access) : undefined;
    if (!access || !grant || grant.clientId !== clientId)
      return { ok: false, error: 'invalid_grant', error_description: 'Invalid "refresh_token" in request.' };
    this.#access.delete(access);
    this.#refresh.delete(refreshToken);
    return this.#issue(grant);
  }

  /** Revokes an access or refresh token (and its pair); unknown tokens are fine, as RFC 7009 says. */
  revoke(value: string, clientId: string): void {
    const access = this.#access.has(value) ? value : this.#refresh.get(value);
    const grant = access ? this.#access.get(access) : undefined;
    if (!access || !grant || grant.clientId !== clientId) return;
    this.#access.delete(access);
    this.#refresh.delete(grant.refreshToken);
  }

  /** The grant behind a live access token. */
  byAccessToken(value: string): Grant | undefined {
    const grant = this.#access.get(value);
    if (!grant || grant.expiresAt <= this.now()) return undefined;
    return grant;
  }

  #issue(grant: Grant): TokenResult {
    const access = token();
    const refreshToken = token();
    this.#access.set(access, {
      clientId: grant.clientId,
      userId: grant.userId,
      scopes: grant.scopes,
      refreshToken,
      expiresAt: this.now() + ACCESS_TOKEN_LIFETIME_S * 1000,
    });
    this.#refresh.set(refreshToken, access);
    return {
      ok: true,
      access_token: access,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      refresh_token: refreshToken,
      scope: grant.scopes.join(' '),
    };
  }
}
