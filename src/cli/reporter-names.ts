import { UsageError } from "./errors.ts";

/** What `cgsim run` and `cgsim report merge` can write. */
export const REPORTERS = ["console", "junit", "json", "html", "blob"] as const;
export type Reporter = (typeof REPORTERS)[number];

export function parseReporters(list: string): Reporter[] {
  const reporters = list.split(",").map((r) => r.trim());
  for (const r of reporters)
    if (!(REPORTERS as readonly string[]).includes(r))
      throw new UsageError(`unknown reporter "${r}" (${REPORTERS.join(", ")})`);
  return reporters as Reporter[];
}

/** Whether scenarios must record permission matrices: only the HTML report and the blob keep them. */
export function wantsMatrices(reporters: Reporter[]): boolean {
  return reporters.includes("html") || reporters.includes("blob");
}
