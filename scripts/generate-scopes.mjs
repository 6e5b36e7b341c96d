// Generates src/simulators/confluence/generated/scopes.json from the vendored Confluence specs (specs/):
//   v2: operationId → granular scopes of the operation's `x-atlassian-oauth2-scopes` entry in state Current
//   v1: operationId → classic scopes from the operation's `security` (oAuthDefinitions)
// Run by `npm run generate:types`; the twin's gateway checks OAuth tokens against this table.
import { readFileSync, writeFileSync } from "node:fs";

const specDir = process.argv[2] ?? "specs";
const out = process.argv[3] ?? "src/simulators/confluence/generated/scopes.json";
const METHODS = ["get", "post", "put", "patch", "delete"];

function operations(spec) {
  return Object.values(spec.paths).flatMap((item) =>
    METHODS.filter((m) => item[m]?.operationId).map((m) => item[m]),
  );
}

const v2 = JSON.parse(readFileSync(`${specDir}/confluence-v2.openapi.json`, "utf8"));
const v1 = JSON.parse(readFileSync(`${specDir}/confluence-v1.openapi.json`, "utf8"));

const table = { v2: {}, v1: {} };
for (const op of operations(v2)) {
  const current = (op["x-atlassian-oauth2-scopes"] ?? []).find((s) => s.state === "Current");
  if (current) table.v2[op.operationId] = [...current.scopes].sort();
}
for (const op of operations(v1)) {
  const oauth = (op.security ?? []).find((s) => s.oAuthDefinitions);
  if (oauth) table.v1[op.operationId] = [...oauth.oAuthDefinitions].sort();
}
const sorted = (o) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
writeFileSync(out, `${JSON.stringify({ v2: sorted(table.v2), v1: sorted(table.v1) }, null, 2)}\n`);
console.log(`${out}: ${Object.keys(table.v2).length} v2 and ${Object.keys(table.v1).length} v1 operations`);
