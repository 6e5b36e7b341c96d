import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { SimClock } from "../host/clock.ts";
import type { AppRegistration, DirectoryUser } from "./model.ts";
import { SIMULATOR_SIGNING_KEY_PEM } from "./signing-key.ts";
import type { Directory } from "./store.ts";

/** Default refresh-token lifetime outside single-page apps (Microsoft identity platform docs: 90 days). */
const LIFETIME_MS = 90 * 86_400_000;

/** What a refresh token carries: the user and client it is bound to, when it was issued, and a password fingerprint. */
interface RefreshClaims {
  /** client (app) id */
  c: string;
  /** user object id */
  u: string;
  /** delegated scopes granted when the chain started */
  s: string[];
  /** issued at (SimClock ms) */
  t: number;
  /** the password at issue, hashed: a password change revokes password-based tokens */
  p: string;
  /** sequence number: every token differs */
  n: number;
}

export type RefreshResult =
  | { ok: true; user: DirectoryUser; scopes: string[] }
  | { ok: false; code: number; description: string };

/**
 * Refresh tokens of the simulated identity platform: opaque to clients, self-contained and signed
 * (nothing to store, so a reset or a second process answers the same), bound to one user and one
 * client, valid 90 days from issue on the SimClock. Redeeming one returns a fresh one (rotation);
 * the old one keeps working, as the platform does not revoke used refresh tokens (docs).
 */
export class RefreshTokens {
  #issued = 0;
  readonly #key = createHash("sha256").update(`refresh\u0000${SIMULATOR_SIGNING_KEY_PEM}`).digest();

  constructor(
    readonly directory: Directory,
    readonly clock: SimClock,
  ) {}

  issue(app: AppRegistration, user: DirectoryUser, scopes: string[]): string {
    const claims: RefreshClaims = {
      c: app.appId,
      u: user.id,
      s: scopes,
      t: this.clock.now(),
      p: fingerprint(user.password),
      n: ++this.#issued,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
    return `1.cgsim.${body}.${this.#sign(body)}`;
  }

  /** The user and scopes behind a refresh token presented by `app`, or the platform's refusal. */
  redeem(token: string, app: AppRegistration): RefreshResult {
    const claims = this.#verify(token);
    if (!claims) return refuse(9002313, "Invalid request. Request is malformed or invalid.");
    if (claims.c !== app.appId) return refuse(70000, "Provided grant is invalid or malformed.");
    const age = this.clock.now() - claims.t;
    if (age >= LIFETIME_MS) {
      return refuse(
        700082,
        `The refresh token has expired due to inactivity. The token was issued on ${new Date(claims.t).toISOString()} and was inactive for 90.00:00:00.`,
      );
    }
    const user = this.directory.user(claims.u);
    if (!user) return refuse(50034, "The user account does not exist in the directory.");
    if (!user.accountEnabled) return refuse(50057, "The user account is disabled.");
    if (fingerprint(user.password) !== claims.p) {
      return refuse(
        50173,
        "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.",
      );
    }
    return { ok: true, user, scopes: claims.s };
  }

  #sign(body: string): string {
    return createHmac("sha256", this.#key).update(body).digest("base64url");
  }

  #verify(token: string): RefreshClaims | undefined {
    const match = /^1\.cgsim\.([\w-]+)\.([\w-]+)$/.exec(token);
    if (!match) return undefined;
    const [, body, signature] = match;
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, "base64url").toString()) as RefreshClaims;
    } catch {
      return undefined;
    }
  }
}

function fingerprint(password: string): string {
  return createHash("sha256").update(password).digest("base64url").slice(0, 16);
}

function refuse(code: number, description: string): RefreshResult {
  return { ok: false, code, description };
}
