import { json } from "../../../host/types.ts";
import type { ConfluenceRoute } from "../../context.ts";
import { V2ParamError } from "../../params.ts";
import { renderUser } from "../../render/v2.ts";
import { v2 } from "./common.ts";

const MAX_ACCOUNT_IDS = 250;

/** Body of `POST /users-bulk`: `{"accountIds": [...]}` with 1..250 ids. */
async function readAccountIds(ctx: { text(): Promise<string> }): Promise<string[]> {
  const text = await ctx.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new V2ParamError("Invalid request body", "The request body could not be parsed as JSON.");
  }
  const ids = (body as { accountIds?: unknown } | null)?.accountIds;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== "string")) {
    throw new V2ParamError("accountIds must be an array of strings", null);
  }
  if (ids.length < 1 || ids.length > MAX_ACCOUNT_IDS) {
    throw new V2ParamError(`accountIds must contain between 1 and ${MAX_ACCOUNT_IDS} items`, null);
  }
  return ids as string[];
}

export function userRoutes(): ConfluenceRoute[] {
  return [
    // Unknown account ids are left out; a hidden email reads "" (profile visibility).
    v2("POST", "/users-bulk", "createBulkUserLookup", async (ctx) => {
      const ids = await readAccountIds(ctx);
      const seen = new Set<string>();
      const results = [];
      for (const id of ids) {
        const user = ctx.store.users.get(id);
        if (!user || seen.has(id)) continue;
        seen.add(id);
        results.push(renderUser(user));
      }
      return json({ results, _links: { base: ctx.base } }, 200, { link: `<${ctx.base}>; rel="base"` });
    }),
  ];
}
