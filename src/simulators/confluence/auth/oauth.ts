import { createHash } from "node:crypto";
import type { SimClock } from "../../host/clock.ts";

/**
 * OAuth 2.0 (3LO) state for one Confluence site, as auth.atlassian.com keeps it: registered apps,
 * authorization codes, access tokens and rotating refresh tokens. Pure rules on the SimClock; the
 * HTTP side is in oauth-service.ts. Facts: docs/fidelity/confluence-auth-v1.md.
 */

/** An app registered in the developer console. */
export interface OAuthApp {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Callback URLs; `redirect_uri` must equal one of them exactly. */
  redirectUris: string[];
  /** Scopes configured for the app; when set, requests for others are refused (invalid_scope). */
  scopes?: string[];
}

/** What a user consented to: one app, one user, a set of scopes. */
export interface OAuthGrant {
  clientId: string;
  accountId: string;
  scopes: string[];
}

export interface OAuthOptions {
  apps?: OAuthApp[];
  /** Who consents on `/authorize` when the request names nobody (`sim_user`): accountId or email. */
  consentingUser?: string;
  /** Access-token lifetime, seconds (Atlassian: 3600). */
  accessTokenTtlSeconds?: number;
  /** Authorization-code lifetime, seconds (guess: 10 minutes, the RFC 6749 recommendation). */
  codeTtlSeconds?: number;
  /** Refresh tokens expire after this long unused (Atlassian: 90 days). */
  refreshInactivitySeconds?: number;
  /** A rotated refresh token still works this long after rotation (Atlassian has a short window; default 0). */
  refreshReuseSeconds?: number;
}

export interface TokenResponse {
  access_token: string;
  expires_in: number;
  scope: string;
  token_type: "Bearer";
  refresh_token?: string;
}

/** A token-endpoint failure: RFC 6749 `error` codes with the status Atlassian uses. */
export interface OAuthFailure {
  status: number;
  error: "invalid_request" | "invalid_grant" | "access_denied" | "unsupported_grant_type" | "invalid_scope";
  error_description: string;
}

interface CodeRecord {
  grant: OAuthGrant;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
}

interface AccessRecord {
  grant: OAuthGrant;
  expiresAt: number;
}

interface RefreshRecord {
  grant: OAuthGrant;
  lastUsedAt: number;
  /** Set when rotated: the token stays valid until then (reuse window), then never again. */
  rotatedUntil?: number;
  revoked: boolean;
}

export const OFFLINE_ACCESS = "offline_access";

export class OAuthRegistry {
  readonly apps = new Map<string, OAuthApp>();
  consentingUser: string | undefined;
  readonly accessTokenTtlSeconds: number;
  readonly #codeTtlMs: number;
  readonly #refreshInactivityMs: number;
  readonly #refreshReuseMs: number;
  #codes = new Map<string, CodeRecord>();
  #access = new Map<string, AccessRecord>();
  #refresh = new Map<string, RefreshRecord>();
  #counter = 0;
  /** Bumped whenever a token is issued or revoked or an app registered (the response cache's cue). */
  revision = 0;

  constructor(
    readonly clock: SimClock,
    readonly seed: string,
    options: OAuthOptions = {},
  ) {
    for (const app of options.apps ?? []) this.registerApp(app);
    this.consentingUser = options.consentingUser;
    this.accessTokenTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.#codeTtlMs = (options.codeTtlSeconds ?? 600) * 1000;
    this.#refreshInactivityMs = (options.refreshInactivitySeconds ?? 90 * 86_400) * 1000;
    this.#refreshReuseMs = (options.refreshReuseSeconds ?? 0) * 1000;
  }

  registerApp(app: OAuthApp): OAuthApp {
    this.apps.set(app.clientId, { ...app, redirectUris: [...app.redirectUris] });
    this.revision++;
    return app;
  }

  /** Consent given: a single-use code bound to the redirect URI. */
  issueCode(grant: OAuthGrant, redirectUri: string): string {
    const code = this.#mint("code");
    this.#codes.set(code, {
      grant: copyGrant(grant),
      redirectUri,
      expiresAt: this.clock.now() + this.#codeTtlMs,
      used: false,
    });
    return code;
  }

  exchangeCode(input: {
    clientId: string;
    clientSecret: string;
    code: string;
    redirectUri: string;
  }): TokenResponse | OAuthFailure {
    const client = this.#authenticateClient(input.clientId, input.clientSecret);
    if (client) return client;
    const record = this.#codes.get(input.code);
    if (
      !record ||
      record.used ||
      record.expiresAt <= this.clock.now() ||
      record.grant.clientId !== input.clientId
    ) {
      return failure(403, "invalid_grant", "Invalid authorization code");
    }
    if (record.redirectUri !== input.redirectUri) {
      return failure(403, "invalid_grant", "The redirect_uri does not match the one used to obtain the code");
    }
    record.used = true;
    return this.#tokens(record.grant);
  }

  refresh(input: {
    clientId: string;
    clientSecret: string;
    refreshToken: string;
  }): TokenResponse | OAuthFailure {
    const client = this.#authenticateClient(input.clientId, input.clientSecret);
    if (client) return client;
    const record = this.#refresh.get(input.refreshToken);
    const now = this.clock.now();
    if (
      !record ||
      record.revoked ||
      record.grant.clientId !== input.clientId ||
      (record.rotatedUntil !== undefined && record.rotatedUntil <= now) ||
      record.lastUsedAt + this.#refreshInactivityMs <= now
    ) {
      return failure(403, "invalid_grant", "Unknown or invalid refresh token.");
    }
    // Rotation: the old token dies (after the reuse window); the new one carries the same grant.
    record.rotatedUntil ??= now + this.#refreshReuseMs;
    record.lastUsedAt = now;
    return this.#tokens(record.grant);
  }

  /** The grant behind a live access token, or undefined for unknown and expired tokens. */
  accessToken(token: string): OAuthGrant | undefined {
    const record = this.#access.get(token);
    if (!record || record.expiresAt <= this.clock.now()) return undefined;
    return record.grant;
  }

  /** Tokens without the browser round trip (for scenarios and tests): what the code exchange returns. */
  issueTokens(grant: OAuthGrant): TokenResponse {
    return this.#tokens(copyGrant(grant));
  }

  /** Consent revoked or password changed: every token of this user (optionally for one app) dies. */
  revoke(accountId: string, clientId?: string): void {
    const hit = (g: OAuthGrant) => g.accountId === accountId && (!clientId || g.clientId === clientId);
    for (const [k, r] of this.#access) if (hit(r.grant)) this.#access.delete(k);
    for (const r of this.#refresh.values()) if (hit(r.grant)) r.revoked = true;
    this.revision++;
  }

  #authenticateClient(clientId: string, clientSecret: string): OAuthFailure | undefined {
    const app = this.apps.get(clientId);
    if (!app || app.clientSecret !== clientSecret) return failure(401, "access_denied", "Unauthorized");
    return undefined;
  }

  #tokens(grant: OAuthGrant): TokenResponse {
    this.revision++;
    const access = this.#mint("access");
    this.#access.set(access, { grant, expiresAt: this.clock.now() + this.accessTokenTtlSeconds * 1000 });
    const response: TokenResponse = {
      access_token: access,
      expires_in: this.accessTokenTtlSeconds,
      scope: grant.scopes.join(" "),
      token_type: "Bearer",
    };
    if (grant.scopes.includes(OFFLINE_ACCESS)) {
      const refresh = this.#mint("refresh");
      this.#refresh.set(refresh, { grant, lastUsedAt: this.clock.now(), revoked: false });
      response.refresh_token = refresh;
    }
    return response;
  }

  /** Deterministic, unguessable-looking tokens: the same run mints the same tokens. */
  #mint(kind: string): string {
    this.#counter += 1;
    const digest = createHash("sha256").update(`${this.seed}\u0000${kind}\u0000${this.#counter}`).digest();
    return digest.toString("base64url");
  }
}

function failure(status: number, error: OAuthFailure["error"], description: string): OAuthFailure {
  return { status, error, error_description: description };
}

function copyGrant(g: OAuthGrant): OAuthGrant {
  return { clientId: g.clientId, accountId: g.accountId, scopes: [...g.scopes] };
}

export const isFailure = (r: TokenResponse | OAuthFailure): r is OAuthFailure => "error" in r;
