import type { AclEntry } from "../../simulators/graph/model.ts";
import type { RunContext } from "../context.ts";
import { classifyPair } from "./classify.ts";
import { freshnessOf } from "./freshness.ts";
import { type OracleInput, oracleInput, remembered } from "./input.ts";
import { entryRef } from "./notation.ts";
import { confluenceAccountOf, expectedIdentity, truthFor } from "./truth.ts";

/**
 * The chain of reasons for one user × item: Confluence's decision, what the connector made of the
 * person and the item, Graph's decision, and the verdict. Printed by `cgsim explain` and attached
 * to failed search expectations.
 */
export function explainPair(ctx: RunContext, upn: string, itemId: string): string[] {
  return explainChain(oracleInput(ctx), upn, itemId);
}

/**
 * `explainPair` for any oracle input (a scenario run's, or a served world's). Three views stay apart: Confluence's decision, the oracle's
 * model of a correct connector (Microsoft's documented identity mapping), and what the connector
 * actually did (its reported mapping failures and the ACL it wrote to Graph).
 */
export function explainChain(input: OracleInput, upn: string, itemId: string): string[] {
  const { world, connectionId } = input;
  const user = world.directory.user(upn);
  const content = world.confluence.store.content.get(itemId);
  const out: string[] = [];
  if (!user) return [`no directory user ${upn}`];
  if (!content) return [`no Confluence page or blog post ${itemId}`];
  out.push(`explain ${user.userPrincipalName} × ${itemId} "${content.title}"`);

  const rule = input.config?.identity;
  const truth = truthFor(world, user, content, rule);
  out.push("Confluence:");
  out.push(
    truth.account
      ? `  account ${truth.account.displayName} <${truth.account.email}>${truth.account.emailVisible ? "" : " (email hidden)"}${truth.account.active ? "" : " (deactivated)"}, matched by ${MATCHED_BY[truth.matchedBy ?? "upn"]}`
      : `  no Confluence account with email ${user.userPrincipalName}${user.mail ? ` or ${user.mail}` : ""}${rule?.source === "nonAad" ? " or mapped to it by the non-AAD rule" : ""}`,
  );
  if (truth.account) {
    // Another Entra user matched to the same account: only one of them is this person.
    const accountId = truth.account.accountId;
    const others = remembered(input, `claimants\n${accountId}`, () =>
      [...world.directory.users.values()].filter(
        (u) => u.accountEnabled && confluenceAccountOf(world, u, rule)?.accountId === accountId,
      ),
    ).filter((u) => u.id !== user.id);
    if (others.length)
      out.push(
        `  ! this account is also matched to ${others.map((u) => u.userPrincipalName).join(", ")}: only one of them is its owner`,
      );
  }
  for (const r of truth.reasons) out.push(`  ${r.ok ? "✓" : "✗"} ${r.check}: ${r.detail}`);
  out.push(`  → ${truth.allowed ? "can view" : "cannot view"}`);

  // External groups are shown with their members, so an opaque id still says who it admits.
  const describe = (e: AclEntry): string =>
    remembered(input, `entry\n${e.type}\n${e.value}`, () => {
      const ref = entryRef(world, e);
      if (e.type !== "externalGroup") return ref;
      const group = world.graph.connection(connectionId)?.groups.get(e.value);
      if (!group) return `${ref} (missing group)`;
      const members = [...group.members.values()].map((m) =>
        entryRef(world, { type: m.type, value: m.id, accessType: "grant" }).replace(/^user:/, ""),
      );
      return `${ref}{${members.join(", ")}}`;
    });
  out.push("Oracle (a correct connector, Microsoft's documented mapping):");
  if (truth.anonymous)
    out.push("  identity: not needed (anonymous users can view it: a correct connector grants everyone)");
  else out.push(`  identity: ${expectedIdentity(rule, user, truth.account).detail}`);

  out.push("Connector (what it did):");
  const reported =
    truth.account && input.lastCrawlUnmapped?.find((u) => u.accountId === truth.account?.accountId);
  if (reported)
    out.push(`  identity: reported <${truth.account?.email}> unmapped (2006: ${reported.reason})`);
  else if (truth.account && input.lastCrawlUnmapped)
    out.push(`  identity: no mapping failure reported for <${truth.account.email}>`);
  if (input.lastCrawlFailure) out.push(`  last crawl ${input.lastCrawlFailure.stopped}`);
  const conn = world.graph.connection(connectionId);
  const item = conn?.items.get(itemId);
  if (!conn) out.push(`  connection ${connectionId} does not exist`);
  else if (!item) out.push("  item not in the index");
  else
    out.push(
      remembered(
        input,
        `acl\n${itemId}`,
        () =>
          `  ACL written: ${item.acl.map((e) => `${e.accessType === "deny" ? "deny " : ""}${describe(e)}`).join(", ") || "(empty: deny-all)"}`,
      ),
    );

  out.push("Graph:");
  let granted = false;
  if (item) {
    const decision = world.graph.explainAccess(user.id, connectionId, itemId);
    granted = decision.allowed;
    if (decision.denies.length) out.push(`  ✗ denied by ${decision.denies.map(describe).join(", ")}`);
    if (decision.grants.length) out.push(`  ✓ granted by ${decision.grants.map(describe).join(", ")}`);
    if (!decision.grants.length && !decision.denies.length)
      out.push(`  ✗ no ACL entry matches this user${decision.reason ? ` (${decision.reason})` : ""}`);
  }
  out.push(`  → ${granted ? "finds" : "does not find"} the item`);

  const difference = classifyPair(input, user, content);
  if (!difference) out.push(`Verdict: agree (${granted ? "both allow" : "both deny"})`);
  else {
    out.push(
      difference.kind === "overExposed"
        ? "Verdict: OVER-EXPOSED (the index grants, Confluence denies)"
        : "Verdict: UNDER-EXPOSED (Confluence allows, the index does not)",
    );
    out.push(
      `  ${difference.documented ? "documented limitation" : "connector bug"}: ${difference.reason} [${difference.cause.code}]`,
    );
  }
  if (item && content.status === "current")
    out.push(
      ...remembered(input, `freshness lines\n${content.id}`, () =>
        freshnessSection(input, content.id, content.version.number),
      ),
    );
  return out;
}

/** The item's title, body, url and labels against Confluence's current version. */
function freshnessSection(input: OracleInput, itemId: string, version: number): string[] {
  const finding = freshnessOf(input, itemId);
  if (!finding) return [`Freshness: fresh (title, body, url and labels as Confluence's version ${version})`];
  return [
    `Freshness: STALE against Confluence's version ${version}`,
    ...finding.fields.map(
      (f) => `  ✗ ${f.field}: index ${JSON.stringify(f.index)}, Confluence ${JSON.stringify(f.confluence)}`,
    ),
    `  ${finding.documented ? "documented" : "connector bug"}: ${finding.reason} [${finding.cause.code}]`,
  ];
}

const MATCHED_BY = {
  upn: "UPN",
  mail: "Entra mail",
  guestUpn: "the guest UPN's home address",
  nonAad: "the non-AAD rule",
} as const;
