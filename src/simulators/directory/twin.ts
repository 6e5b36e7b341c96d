import type { SimClock } from "../host/clock.ts";
import type { DirectorySpec } from "./model.ts";
import { RefreshTokens } from "./refresh-tokens.ts";
import { Directory } from "./store.ts";
import { TokenIssuer, type TokenIssuerOptions } from "./tokens.ts";

/**
 * The Entra ID twin: the directory's state plus the identity platform that signs tokens for it.
 * The Graph twin reads the same directory (ACL expansion, search trimming) and verifies with the
 * same issuer.
 */
export class DirectoryTwin {
  /** Refresh tokens (ROPC with offline_access, renewals): self-contained, so nothing to reset. */
  readonly refreshTokens: RefreshTokens;

  constructor(
    readonly store: Directory,
    readonly issuer: TokenIssuer,
  ) {
    this.refreshTokens = new RefreshTokens(store, issuer.clock);
  }

  /** A twin over a directory loaded from its fixture object, issuing tokens on `clock`. */
  static fromSpec(spec: DirectorySpec, clock: SimClock, tokens?: TokenIssuerOptions): DirectoryTwin {
    const store = new Directory(spec);
    return new DirectoryTwin(store, new TokenIssuer(store, clock, tokens));
  }

  /** Whether a token or discovery URL's `{tenant}` segment names this tenant (id, domain or a multi-tenant alias). */
  servesTenant(tenant: string): boolean {
    const t = tenant.toLowerCase();
    return [this.store.tenantId, this.store.domain.toLowerCase(), "common", "organizations"].includes(t);
  }
}
