import type { DirectoryUser } from "../../simulators/directory/model.ts";
import { classifyPair, type ParityDifference } from "./classify.ts";
import { runFreshness } from "./freshness.ts";
import type { FreshnessReport } from "./freshness-types.ts";
import type { OracleInput } from "./input.ts";
import { personAccount } from "./truth.ts";

/**
 * The parity oracle: for every enabled directory user × every page and blog post, compare the
 * truth (the Confluence twin's evaluator for the same person) with the index (the Graph twin's
 * access decision on the item, or its absence). Each difference is over- or under-exposure, with
 * the documented limitation that explains it when there is one. Alongside, the freshness of
 * every indexed item's title, body, url and labels.
 */

export interface ParityReport {
  users: number;
  items: number;
  /** Undocumented differences (connector bugs) by kind. */
  overExposed: number;
  underExposed: number;
  documented: { overExposed: number; underExposed: number };
  differences: ParityDifference[];
  /**
   * Confluence accounts that more than one enabled Entra user is matched to (one by UPN, another
   * by mail): the oracle takes each for the person, so the access one of them gets is never a
   * difference, yet only one of them is that person (S17's "a same-named UPN takes the access").
   */
  sharedAccounts: SharedAccount[];
  /** Content freshness of every indexed page and blog post (freshness.ts). */
  freshness: FreshnessReport;
}

export interface SharedAccount {
  /** The Confluence account's email. */
  account: string;
  /** The Entra users matched to it, each with how: `alice@x (UPN)`, `asmith@y (mail)`. */
  users: string[];
}

export function runParity(input: OracleInput): ParityReport {
  const { world } = input;
  const users = [...world.directory.users.values()].filter((u) => u.accountEnabled);
  const contents = [...world.confluence.store.content.values()].filter(
    (c) => c.type === "page" || c.type === "blogpost",
  );
  const differences: ParityDifference[] = [];
  for (const content of contents) {
    for (const user of users) {
      const d = classifyPair(input, user, content);
      if (d) differences.push(d);
    }
  }
  const count = (kind: ParityDifference["kind"], documented: boolean) =>
    differences.filter((d) => d.kind === kind && d.documented === documented).length;
  return {
    users: users.length,
    items: contents.length,
    overExposed: count("overExposed", false),
    underExposed: count("underExposed", false),
    documented: { overExposed: count("overExposed", true), underExposed: count("underExposed", true) },
    differences,
    sharedAccounts: sharedAccounts(input, users),
    freshness: runFreshness(input),
  };
}

/** Confluence accounts claimed by several Entra users (see ParityReport.sharedAccounts). */
function sharedAccounts(input: OracleInput, users: DirectoryUser[]): SharedAccount[] {
  const claims = new Map<string, string[]>();
  for (const user of users) {
    const person = personAccount(input.world, user, input.config?.identity);
    if (!person) continue;
    const { email } = person.account;
    claims.set(email, [...(claims.get(email) ?? []), `${user.userPrincipalName} (${SHOWN_AS[person.by]})`]);
  }
  return [...claims]
    .filter(([, claimants]) => claimants.length > 1)
    .map(([account, claimants]) => ({ account, users: claimants }));
}

const SHOWN_AS = { upn: "UPN", mail: "mail", guestUpn: "guest UPN", nonAad: "non-AAD rule" } as const;
