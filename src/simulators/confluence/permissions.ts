import type { Content, Group, Restriction, Space, SpacePermission, User } from "./model.ts";
import { isRestricted } from "./model.ts";
import type { ConfluenceStore } from "./store.ts";

/**
 * Who is asking. Every list, get, search, `/operations` and `permission/check` goes through the one
 * evaluator below, so they always agree.
 */
export type Subject =
  | { type: "user"; accountId: string }
  | { type: "group"; groupId: string }
  | { type: "anonymous" };

/** One step of the reasoning, in words a QA engineer can read (`cgsim explain` prints these). */
export interface Reason {
  check: "site" | "space" | "restriction";
  ok: boolean;
  detail: string;
  /** For restriction steps: the content whose read restriction was checked. */
  contentId?: string;
  /** For a space step that passed: through the space's anonymous grant (the oracle's guest rules need it). */
  anonymous?: true;
}

export interface Decision {
  allowed: boolean;
  reasons: Reason[];
}

/**
 * A subject's view of one site, memoising group membership and per-space answers. Create one per
 * request (state may change between requests); it is cheap.
 */
export class AccessEvaluator {
  readonly groupIds: Set<string>;
  readonly user: User | undefined;
  #spaceCache = new Map<string, boolean>();

  constructor(
    readonly store: ConfluenceStore,
    readonly subject: Subject,
  ) {
    this.user = subject.type === "user" ? store.users.get(subject.accountId) : undefined;
    if (subject.type === "user") {
      this.groupIds = new Set(store.groupsOf(subject.accountId).map((g) => g.id));
    } else if (subject.type === "group") {
      this.groupIds = new Set([subject.groupId]);
    } else {
      this.groupIds = new Set();
    }
  }

  /** Site access: product access for users (via a product-access group, or as a guest), the site switch for anonymous. */
  siteAccess(reasons?: Reason[]): boolean {
    const { store, subject } = this;
    if (subject.type === "anonymous") {
      const ok = store.site.anonymousAccess;
      reasons?.push({
        check: "site",
        ok,
        detail: ok ? "the site allows anonymous access" : "Anonymous users are not allowed to use Confluence",
      });
      return ok;
    }
    if (subject.type === "user") {
      if (!this.user?.active) {
        reasons?.push({
          check: "site",
          ok: false,
          detail: "User is not allowed to use Confluence (unknown or deactivated account)",
        });
        return false;
      }
      if (this.user.guest) {
        reasons?.push({
          check: "site",
          ok: true,
          detail: `${this.user.displayName} is a guest (access only where granted directly)`,
        });
        return true;
      }
    }
    const via = store.site.productAccessGroupIds.find((id) => this.groupIds.has(id));
    if (via) {
      reasons?.push({ check: "site", ok: true, detail: `product access via group ${groupName(store, via)}` });
      return true;
    }
    reasons?.push({
      check: "site",
      ok: false,
      detail:
        subject.type === "user"
          ? "User is not allowed to use Confluence (not in a product-access group)"
          : "Group does not grant Confluence product access",
    });
    return false;
  }

  /**
   * Whether a space permission entry applies to this subject, and through what: the subject's own
   * user entry, one of its groups, or an anonymous grant. Licensed users also hold what anonymous
   * users hold when the site allows anonymous use (guests excepted); see docs/fidelity/confluence.md.
   */
  holds(permission: SpacePermission): string | undefined {
    const { store, subject } = this;
    const pr = permission.principal;
    if (pr.type === "anonymous") {
      if (subject.type === "anonymous") return "anonymous access";
      if (store.site.anonymousAccess && (subject.type !== "user" || !this.user?.guest))
        return "anonymous access";
      return undefined;
    }
    if (pr.type === "user") {
      return subject.type === "user" && pr.id === subject.accountId
        ? `user ${this.user?.displayName ?? pr.id}`
        : undefined;
    }
    return this.groupIds.has(pr.id) ? `group ${groupName(store, pr.id)}` : undefined;
  }

  /** View permission on a space (`read` on targetType `space`). */
  spaceAccess(space: Space, reasons?: Reason[]): boolean {
    for (const p of space.permissions) {
      if (p.operation.key !== "read" || p.operation.targetType !== "space") continue;
      const via = this.holds(p);
      if (via) {
        const anonymous = p.principal.type === "anonymous" ? { anonymous: true as const } : {};
        reasons?.push({
          check: "space",
          ok: true,
          detail: `View on space ${space.key} via ${via}`,
          ...anonymous,
        });
        return true;
      }
    }
    const { subject } = this;
    const who = subject.type === "anonymous" ? "Anonymous user" : subject.type === "group" ? "Group" : "User";
    reasons?.push({
      check: "space",
      ok: false,
      detail: `${who} does not have permission to the space ${space.key}`,
    });
    return false;
  }

  canViewSpace(space: Space): boolean {
    let ok = this.#spaceCache.get(space.id);
    if (ok === undefined) {
      ok = this.siteAccess() && this.spaceAccess(space);
      this.#spaceCache.set(space.id, ok);
    }
    return ok;
  }

  /**
   * Read restrictions of the content and of every restricted ancestor must all admit the subject
   * (intersection). A layer admits the people in its read restriction and in its update restriction.
   * Update restrictions alone do not hide anything and are not inherited.
   */
  restrictionsAdmit(content: Content, reasons?: Reason[]): boolean {
    const layers = [...this.store.ancestorsOf(content), content];
    let ok = true;
    for (const layer of layers) {
      const read = layer.restrictions.read;
      if (!isRestricted(read)) continue;
      const via = this.#admittedBy(read) ?? this.#admittedBy(layer.restrictions.update);
      const inherited = layer.id !== content.id;
      const where = inherited ? `ancestor "${layer.title}" (${layer.id})` : `"${layer.title}" (${layer.id})`;
      reasons?.push({
        check: "restriction",
        ok: via !== undefined,
        contentId: layer.id,
        detail: via
          ? `view restriction on ${where} admits ${via}`
          : `view restriction on ${where} does not list ${this.#describeSubject()} or any of its groups (${describeRestriction(this.store, read)})`,
      });
      if (!via) {
        ok = false;
        if (!reasons) return false;
      }
    }
    return ok;
  }

  canView(content: Content): boolean {
    const space = this.store.spaces.get(content.spaceId);
    if (!space || !this.canViewSpace(space)) return false;
    return this.restrictionsAdmit(content);
  }

  /** The whole chain with reasons, for `permission/check` errors and `cgsim explain`. */
  explain(content: Content): Decision {
    const reasons: Reason[] = [];
    const space = this.store.spaces.get(content.spaceId);
    let allowed = this.siteAccess(reasons);
    if (allowed && space) allowed = this.spaceAccess(space, reasons);
    if (allowed) allowed = this.restrictionsAdmit(content, reasons);
    return { allowed, reasons };
  }

  #admittedBy(r: Restriction | null): string | undefined {
    if (!r) return undefined;
    if (this.subject.type === "user" && r.users.includes(this.subject.accountId)) {
      return `user ${this.user?.displayName ?? this.subject.accountId}`;
    }
    const group = r.groups.find((g) => this.groupIds.has(g));
    return group ? `group ${groupName(this.store, group)}` : undefined;
  }

  #describeSubject(): string {
    if (this.subject.type === "user") return `user ${this.user?.displayName ?? this.subject.accountId}`;
    if (this.subject.type === "group") return `group ${groupName(this.store, this.subject.groupId)}`;
    return "anonymous";
  }
}

/** Update (edit) permission on content: view, plus the content's own update restriction (not inherited). */
export function canEdit(evaluator: AccessEvaluator, content: Content): boolean {
  if (!evaluator.canView(content)) return false;
  const update = content.restrictions.update;
  if (!isRestricted(update)) return true;
  const s = evaluator.subject;
  return (
    (s.type === "user" && update.users.includes(s.accountId)) ||
    update.groups.some((g) => evaluator.groupIds.has(g))
  );
}

function groupName(store: ConfluenceStore, id: string): string {
  const g: Group | undefined = store.groups.get(id);
  return g ? g.name : id;
}

function describeRestriction(store: ConfluenceStore, r: Restriction): string {
  const users = r.users.map((u) => store.users.get(u)?.displayName ?? u);
  const groups = r.groups.map((g) => `group ${groupName(store, g)}`);
  return `allows ${[...users, ...groups].join(", ") || "nobody"}`;
}
