import { z } from "zod";
import type { ConfluenceContext, ConfluenceRoute } from "../../context.ts";
import { v1Error } from "../../errors.ts";
import type { components } from "../../generated/v1.ts";
import { AccessEvaluator, canEdit, type Reason, type Subject } from "../../permissions.ts";
import { ok, readJsonBody, visibleContent } from "./common.ts";

type S = components["schemas"];

const body = z.object({
  subject: z.object({ type: z.enum(["user", "group"]), identifier: z.string().min(1) }),
  operation: z.enum(["read", "update", "delete"]),
});

/**
 * `POST /content/{id}/permission/check` ([A-V1]): the one evaluator, site ∧ space ∧ read
 * restrictions of the content and every ancestor; update/delete add the content's own edit
 * restriction. Checking anyone but yourself needs Confluence administrator.
 */
export function permissionCheckRoutes(): ConfluenceRoute[] {
  return [
    {
      method: "POST",
      path: "/rest/api/content/:id/permission/check",
      operationId: "checkContentPermission",
      api: "v1",
      handler: checkContentPermission,
    },
  ];
}

async function checkContentPermission(ctx: ConfluenceContext): Promise<Response> {
  const content = visibleContent(ctx, ctx.params.id);
  if (content instanceof Response) return content;
  const parsed = body.safeParse(await readJsonBody(ctx));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return v1Error(400, `Invalid request: ${issue.path.join(".") || "body"} ${issue.message}`);
  }
  const { subject: s, operation } = parsed.data;
  const subject: Subject =
    s.type === "user" ? { type: "user", accountId: s.identifier } : { type: "group", groupId: s.identifier };
  const self =
    ctx.caller.subject.type === "user" && s.type === "user" && ctx.caller.subject.accountId === s.identifier;
  if (!self && !ctx.access.user?.admin) {
    return v1Error(403, "Permission check for another subject requires Confluence Administrator permission");
  }
  if (s.type === "group" && !ctx.store.groups.has(s.identifier)) {
    return v1Error(404, `Group with id ${s.identifier} not found`);
  }

  const evaluator = new AccessEvaluator(ctx.store, subject);
  const reasons: Reason[] = [];
  let allowed: boolean;
  if (subject.type === "group") {
    // A group has no "product access" of its own here: only space and content rules apply.
    const space = ctx.store.spaces.get(content.spaceId);
    allowed =
      !!space && evaluator.spaceAccess(space, reasons) && evaluator.restrictionsAdmit(content, reasons);
  } else {
    const decision = evaluator.explain(content);
    allowed = decision.allowed;
    reasons.push(...decision.reasons);
  }
  let editDenied = false;
  if (allowed && operation !== "read" && !canEdit(evaluator, content)) {
    allowed = false;
    editDenied = true;
  }

  const who = subject.type === "group" ? "Group" : "User";
  const errors: S["Message"][] = [];
  if (!allowed) {
    const failed = reasons.find((r) => !r.ok);
    let translation: string;
    if (editDenied || failed?.check === "restriction")
      translation = `${who} does not have permission to the content`;
    else if (failed?.check === "space") translation = `${who} does not have permission to the space`;
    else translation = "User is not allowed to use Confluence";
    errors.push({ translation, args: [] });
  }
  const response: S["PermissionCheckResponse"] = { hasPermission: allowed, errors, _links: {} };
  return ok(response);
}
