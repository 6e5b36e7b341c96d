import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { decodeProtectedHeader, exportJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from "jose";
import type { SimClock } from "../host/clock.ts";
import type { AppRegistration, DirectoryUser } from "./model.ts";
import { SIMULATOR_SIGNING_KEY_PEM } from "./signing-key.ts";
import type { Directory } from "./store.ts";

/** The Graph resource as tokens name it (`aud`). */
export const GRAPH_AUDIENCE = "https://graph.microsoft.com";
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

/** Claims of a Graph access token as the twin issues them (v1.0 token shape, like real Graph tokens). */
export interface GraphTokenClaims extends JWTPayload {
  aud: string;
  iss: string;
  tid: string;
  appid: string;
  azp?: string;
  oid: string;
  idtyp: "app" | "user";
  ver: "1.0";
  roles?: string[];
  scp?: string;
  upn?: string;
  unique_name?: string;
  name?: string;
  /** Always set on tokens the twin issues; verify() refuses a signed token without it. */
  exp: number;
  iat: number;
  nbf: number;
}

/** Who called, after the bearer token was verified. */
export type Caller =
  | { kind: "app"; appId: string; tenantId: string; roles: string[]; claims: GraphTokenClaims }
  | {
      kind: "user";
      appId: string;
      tenantId: string;
      userId: string;
      scopes: string[];
      claims: GraphTokenClaims;
    };

export type TokenFailure = {
  ok: false;
  reason: "empty" | "malformed" | "signature" | "claims" | "expired" | "audience" | "tenant" | "issuer";
  message: string;
};

let sharedKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

/** The fixed simulator key (signing-key.ts) and its `kid`, made once per process and shared by every twin. */
function signingKey() {
  if (!sharedKey) {
    const privateKey = createPrivateKey(SIMULATOR_SIGNING_KEY_PEM);
    const publicKey = createPublicKey(privateKey);
    const der = publicKey.export({ type: "spki", format: "der" });
    const kid = createHash("sha256").update(der).digest("base64url").slice(0, 27);
    sharedKey = { privateKey, publicKey, kid };
  }
  return sharedKey;
}

export interface TokenIssuerOptions {
  /** Token lifetime in seconds (`expires_in`); real v2.0 endpoint answers 3599. */
  lifetimeSeconds?: number;
}

/**
 * Issues and verifies real RS256 JWTs. Times come from the SimClock, so `exp` follows scenario time
 * and advancing the clock past it makes Graph answer 401 `InvalidAuthenticationToken`.
 */
export class TokenIssuer {
  readonly kid: string;
  readonly lifetimeSeconds: number;
  #verified = new Map<string, GraphTokenClaims>();
  #last: { authorization: string; claims: GraphTokenClaims } | undefined;
  /** Tokens signed so far: their `jti`s come from this count, so a run mints the same ids. */
  #signed = 0;

  constructor(
    readonly directory: Directory,
    readonly clock: SimClock,
    options: TokenIssuerOptions = {},
  ) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? 3599;
    this.kid = signingKey().kid;
  }

  get issuer(): string {
    return `https://sts.windows.net/${this.directory.tenantId}/`;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const jwk = await exportJWK(signingKey().publicKey);
    return { keys: [{ ...jwk, kid: this.kid, use: "sig", alg: "RS256" }] };
  }

  /** An application token (client credentials) carrying the app's granted `roles`. */
  async issueAppToken(app: AppRegistration): Promise<string> {
    return this.#sign({
      appid: app.appId,
      azp: app.appId,
      oid: app.servicePrincipalId,
      sub: app.servicePrincipalId,
      idtyp: "app",
      roles: [...app.roles],
      app_displayname: app.displayName,
    });
  }

  /** A delegated token for a directory user (ROPC), with the app's delegated scopes as `scp`. */
  async issueUserToken(
    app: AppRegistration,
    user: DirectoryUser,
    scopes: string[] = app.scopes,
  ): Promise<string> {
    return this.#sign({
      appid: app.appId,
      azp: app.appId,
      oid: user.id,
      sub: createHash("sha256").update(`${app.appId}:${user.id}`).digest("base64url").slice(0, 43),
      idtyp: "user",
      scp: scopes.join(" "),
      upn: user.userPrincipalName,
      unique_name: user.userPrincipalName,
      name: user.displayName,
    });
  }

  /** An OpenID id_token (v2.0) for the ROPC answer; MSAL builds its account from it. */
  async issueIdToken(app: AppRegistration, user: DirectoryUser): Promise<string> {
    const iat = Math.floor(this.clock.now() / 1000);
    return new SignJWT({
      tid: this.directory.tenantId,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      name: user.displayName,
      ver: "2.0",
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
      .setIssuer(`https://login.microsoftonline.com/${this.directory.tenantId}/v2.0`)
      .setAudience(app.appId)
      .setSubject(createHash("sha256").update(`${app.appId}:${user.id}:id`).digest("base64url").slice(0, 43))
      .setIssuedAt(iat)
      .setNotBefore(iat - 300)
      .setExpirationTime(iat + this.lifetimeSeconds)
      .sign(signingKey().privateKey);
  }

  async #sign(claims: Record<string, unknown>): Promise<string> {
    const iat = Math.floor(this.clock.now() / 1000);
    return new SignJWT({ ...claims, tid: this.directory.tenantId, ver: "1.0" })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: this.kid })
      .setIssuer(this.issuer)
      .setAudience(GRAPH_AUDIENCE)
      .setIssuedAt(iat)
      .setNotBefore(iat - 300)
      .setExpirationTime(iat + this.lifetimeSeconds)
      .setJti(
        createHash("sha256")
          .update(`${iat}:${++this.#signed}`)
          .digest("base64url")
          .slice(0, 22),
      )
      .sign(signingKey().privateKey);
  }

  /**
   * Verifies a bearer token against the twin's key, the Graph audience, the tenant and the SimClock.
   * Signatures are checked once per token; expiry is checked on every call.
   */
  async verify(authorization: string | null): Promise<Caller | TokenFailure> {
    // A crawler sends the same header thousands of times: the last one that verified skips the
    // parsing and the cache lookup (its claims still meet the clock, audience and tenant below).
    const last = this.#last;
    const signed =
      last && authorization === last.authorization
        ? { ok: true as const, claims: last.claims }
        : await this.#signedClaims(authorization);
    if (!signed.ok) return signed;
    const { claims } = signed;
    this.#last = { authorization: authorization!, claims };
    if (claims.aud !== GRAPH_AUDIENCE && claims.aud !== GRAPH_APP_ID) {
      return { ok: false, reason: "audience", message: "Access token validation failure. Invalid audience." };
    }
    if (claims.tid !== this.directory.tenantId) {
      return { ok: false, reason: "tenant", message: "Access token validation failure. Invalid tenant." };
    }
    // Entra issues v1.0 tokens from sts.windows.net and v2.0 tokens from login.microsoftonline.com.
    if (claims.iss !== this.issuer && claims.iss !== `https://login.microsoftonline.com/${claims.tid}/v2.0`) {
      return { ok: false, reason: "issuer", message: "IDX10205: Issuer validation failed." };
    }
    const now = Math.floor(this.clock.now() / 1000);
    // Entra tokens always carry exp; one without it is a client bug production refuses.
    if (claims.exp === undefined) {
      return {
        ok: false,
        reason: "expired",
        message: "IDX10225: Lifetime validation failed. The token is missing an Expiration Time.",
      };
    }
    if (claims.exp <= now)
      return { ok: false, reason: "expired", message: "Lifetime validation failed, the token is expired." };
    if (claims.nbf > now)
      return {
        ok: false,
        reason: "expired",
        message: "Lifetime validation failed, the token is not yet valid.",
      };
    if (claims.idtyp === "user") {
      return {
        kind: "user",
        appId: claims.appid,
        tenantId: claims.tid,
        userId: claims.oid,
        scopes: (claims.scp ?? "").split(" ").filter(Boolean),
        claims,
      };
    }
    return { kind: "app", appId: claims.appid, tenantId: claims.tid, roles: claims.roles ?? [], claims };
  }

  /** The claims of a well-formed token signed with the twin's key (verified once per token string). */
  async #signedClaims(
    authorization: string | null,
  ): Promise<{ ok: true; claims: GraphTokenClaims } | TokenFailure> {
    if (!authorization || !/^bearer\s+\S/i.test(authorization)) {
      return { ok: false, reason: "empty", message: "Access token is empty." };
    }
    const token = authorization.replace(/^bearer\s+/i, "").trim();
    const known = this.#verified.get(token);
    if (known) return { ok: true, claims: known };
    try {
      decodeProtectedHeader(token);
    } catch {
      return {
        ok: false,
        reason: "malformed",
        message: "IDX14100: JWT is not well formed, there are no dots (.).",
      };
    }
    let claims: GraphTokenClaims;
    try {
      const { payload } = await jwtVerify(token, signingKey().publicKey, {
        algorithms: ["RS256"],
        currentDate: new Date(0),
        clockTolerance: Number.MAX_SAFE_INTEGER,
      });
      claims = payload as GraphTokenClaims;
    } catch {
      return { ok: false, reason: "signature", message: "Access token validation failure." };
    }
    if (!hasClaimTypes(claims)) {
      return { ok: false, reason: "claims", message: "Access token validation failure." };
    }
    if (this.#verified.size > 10_000) this.#verified.clear();
    this.#verified.set(token, claims);
    return { ok: true, claims };
  }
}

/**
 * The claims Graph reads have the types Entra gives them: a signed token with `roles: "x"` or a
 * numeric `tid` is refused, not read (a string's `includes` would grant a role by substring).
 */
function hasClaimTypes(claims: GraphTokenClaims): boolean {
  const str = (v: unknown) => typeof v === "string";
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v);
  const optional = (v: unknown, test: (x: unknown) => boolean) => v === undefined || test(v);
  return (
    str(claims.tid) &&
    str(claims.appid) &&
    str(claims.oid) &&
    str(claims.iss) &&
    (claims.idtyp === "app" || claims.idtyp === "user") &&
    optional(claims.exp, num) &&
    optional(claims.nbf, num) &&
    optional(claims.scp, str) &&
    optional(claims.roles, (r) => Array.isArray(r) && r.every(str))
  );
}

export function isTokenFailure(v: Caller | TokenFailure): v is TokenFailure {
  return "ok" in v;
}
