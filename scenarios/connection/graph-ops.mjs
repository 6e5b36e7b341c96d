// Raw Microsoft Graph connector operations for the scenario library (scenarios/connection,
// scenarios/items). The engine's built-in connector only issues the calls a real crawl needs, so
// the cells of the state × operation table it never reaches (seed 002/003) are issued here, through
// the runner's external-connector contract (`connector: { command: [node, graph-ops.mjs] }`,
// CGSIM_* variables, docs/scenario-reference.md). Plain Node (no tsx) so each run costs ~50 ms.
//
//   CGSIM_CRAWL_MODE=full         set the connection up (GRAPH_OPS_PLAN picks what), exit 0
//   CGSIM_CRAWL_MODE=incremental  probe: GET the connection's state, issue every operation of the
//                                 table and compare allowed/refused with that state's column;
//                                 delete the connection last (allowed in every state)
//
// GRAPH_OPS_PLAN: draft (connection without schema), ready (schema + items 9001-9003),
// acl (items with every ACL form, see scenarios/items/acl-forms.yaml), types (typed schema and
// items, scenarios/items/property-types.yaml).
// Exit 1 on any cell that disagrees; every cell is printed either way.

const env = (n) => {
  const v = process.env[n];
  if (v === undefined) throw new Error(`${n} is not set`);
  return v;
};
const origin = env("CGSIM_URL");
const connId = env("CGSIM_CONNECTION_ID");
const plan = process.env.GRAPH_OPS_PLAN ?? "ready";
const connUrl = (id) => `${origin}/v1.0/external/connections/${id}`;
let base = connUrl(connId);
/** Runs fn with relative paths pointing at connection `id` (calls are sequential). */
async function on(id, fn) {
  const saved = base;
  base = connUrl(id);
  try {
    return await fn();
  } finally {
    base = saved;
  }
}
const admin = (path, body) => must(`admin ${path}`, call("POST", `${origin}/_sim/graph/${path}`, body));

async function token() {
  const r = await fetch(env("CGSIM_TOKEN_URL"), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: env("CGSIM_CLIENT_ID"),
      client_secret: env("CGSIM_CLIENT_SECRET"),
      scope: "https://graph.microsoft.com/.default",
    }),
  });
  if (!r.ok) throw new Error(`token: ${r.status} ${await r.text()}`);
  return (await r.json()).access_token;
}
const auth = `Bearer ${await token()}`;

async function call(method, url, body) {
  const r = await fetch(url.startsWith("http") ? url : `${base}${url}`, {
    method,
    headers: { authorization: auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {}
  return { status: r.status, json, text, location: r.headers.get("location") };
}
const must = async (what, p) => {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
  return r;
};

const BASIC_SCHEMA = {
  baseType: "microsoft.graph.externalItem",
  properties: [
    { name: "title", type: "string", isSearchable: true, isQueryable: true, isRetrievable: true, labels: ["title"] },
    { name: "url", type: "string", isRetrievable: true, labels: ["url"] },
  ],
};
const TYPES_SCHEMA = {
  baseType: "microsoft.graph.externalItem",
  properties: [
    ...BASIC_SCHEMA.properties,
    { name: "pageCount", type: "int64", isQueryable: true, isRetrievable: true, isRefinable: true },
    { name: "score", type: "double", isQueryable: true, isRetrievable: true },
    { name: "isDraft", type: "boolean", isQueryable: true, isRetrievable: true },
    { name: "published", type: "dateTime", isQueryable: true, isRetrievable: true, labels: ["createdDateTime"] },
    { name: "tags", type: "stringCollection", isSearchable: true, isQueryable: true, isRetrievable: true },
    { name: "sizes", type: "int64Collection", isQueryable: true, isRetrievable: true },
    { name: "owner", type: "string", isQueryable: true, isRetrievable: true, isExactMatchRequired: true },
  ],
};

async function registerSchema(schema) {
  const r = await must("PATCH schema", call("PATCH", "/schema", schema));
  for (let i = 0; i < 50; i++) {
    const op = await must("GET operation", call("GET", r.location));
    if (op.json.status === "completed") return;
    if (op.json.status === "failed") throw new Error(`schema operation failed: ${op.text}`);
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error("schema operation still inprogress");
}

const item = (id, acl, properties = {}) => ({
  id: String(id),
  acl,
  properties: { title: `Item ${id}`, url: `https://example.com/${id}`, ...properties },
  content: { type: "text", value: `body of item ${id}` },
});
const grantEveryone = async () => {
  const tid = JSON.parse(Buffer.from(auth.split(".")[1], "base64url").toString()).tid;
  return [{ type: "everyone", value: tid ?? "everyone", accessType: "grant" }];
};

// plan table: one connection per column of the table; the scenario's own is the ready one, the
// others are driven into their state with the twin's admin API (/_sim/graph, docs/fidelity/graph.md).
const TABLE_CONNECTIONS = [
  [connId, "ready"],
  [`${connId}draft`, "draft"],
  [`${connId}obsolete`, "obsolete"],
  [`${connId}limit`, "limitExceeded"],
];
async function tableSetup() {
  const acl = await grantEveryone();
  for (const [id, state] of TABLE_CONNECTIONS) {
    await must(`POST connection ${id}`, call("POST", `${origin}/v1.0/external/connections`, { id, name: `table ${state}` }));
    if (state === "draft") continue;
    await on(id, async () => {
      await registerSchema(BASIC_SCHEMA);
      for (const n of [9001, 9002, 9003]) await must(`PUT ${id}/${n}`, call("PUT", `/items/${n}`, item(n, acl)));
    });
  }
  await admin("obsolete", { connection: `${connId}obsolete` });
  await admin("quota", { connection: `${connId}limit`, items: 3 });
}

async function setup() {
  if (plan === "table") return tableSetup();
  await must("POST connection", call("POST", `${origin}/v1.0/external/connections`, { id: connId, name: `graph-ops ${plan}` }));
  if (plan === "draft") return;
  if (plan === "schemarules") return schemaRules();
  await registerSchema(plan === "types" ? TYPES_SCHEMA : BASIC_SCHEMA);
  if (plan === "ready") {
    const acl = await grantEveryone();
    for (const id of [9001, 9002, 9003]) await must(`PUT ${id}`, call("PUT", `/items/${id}`, item(id, acl)));
  }
  if (plan === "tenant") await tenantSetup();
  if (plan === "acl") await aclItems();
  if (plan === "types") await typedItems();
}

// ── ACL forms (scenarios/items/acl-forms.yaml; ids come from that scenario's inline directory) ──
const U = (n) => `00000000-0000-0000-0000-00000000000${n}`; // alice 1, bob 2, carol 3, guest 4
const G = (n) => `00000000-0000-0000-0000-0000000000a${n}`; // Entra group eng a1
async function aclItems() {
  const tid = (await grantEveryone())[0].value;
  // external groups: xgInner = {carol}; xgOuter = {xgInner, Entra group eng(alice, bob)}
  await must("POST group inner", call("POST", "/groups", { id: "xgInner", displayName: "inner" }));
  await must("POST group outer", call("POST", "/groups", { id: "xgOuter", displayName: "outer" }));
  await must("member carol", call("POST", "/groups/xgInner/members", { id: U(3), type: "user" }));
  await must("member inner", call("POST", "/groups/xgOuter/members", { id: "xgInner", type: "externalGroup" }));
  await must("member eng", call("POST", "/groups/xgOuter/members", { id: G(1), type: "group" }));
  const grant = (type, value) => ({ type, value, accessType: "grant" });
  const deny = (type, value) => ({ type, value, accessType: "deny" });
  const items = {
    9101: [grant("user", U(1))], // user
    9102: [grant("group", G(1))], // Entra group
    9103: [grant("externalGroup", "xgOuter")], // nested external groups
    9104: [grant("everyone", tid)], // everyone (members and guests)
    9105: [grant("everyoneExceptGuests", tid)], // members only
    9106: [grant("everyone", tid), deny("user", U(2))], // deny beats grant (user)
    9107: [grant("group", G(1)), deny("externalGroup", "xgInner"), grant("user", U(3))], // deny via external group beats a direct grant
    9108: [grant("externalGroup", "xgMissing")], // group not created yet: matches nobody
  };
  for (const [id, acl] of Object.entries(items)) await must(`PUT ${id}`, call("PUT", `/items/${id}`, item(id, acl)));
}

// ── property types and annotations (scenarios/items/property-types.yaml) ──
async function typedItems() {
  const acl = await grantEveryone();
  const ok = {
    pageCount: 42,
    score: 4.5,
    isDraft: false,
    published: "2026-01-15T10:00:00Z",
    "tags@odata.type": "Collection(String)",
    tags: ["alpha", "beta"],
    "sizes@odata.type": "Collection(Int64)",
    sizes: [1, 2, 3],
    "owner@odata.type": "String",
    owner: "Zoë Ångström",
  };
  await must("PUT 9201", call("PUT", "/items/9201", item(9201, acl, ok)));
  await must("PUT 9202", call("PUT", "/items/9202", item(9202, acl, { pageCount: 7, "tags@odata.type": "Collection(String)", tags: ["gamma"] })));
  // Rejected payloads: each must be a 400 and must not create the item.
  const bad = {
    "collection without Collection(String) annotation": { tags: ["x"] },
    "non-ASCII string without String annotation": { owner: "Zoë" },
    "int64 with a fraction": { pageCount: 1.5 },
    "boolean as a string": { isDraft: "true" },
    "dateTime that is not ISO 8601": { published: "15/01/2026" },
    "property not in the schema": { colour: "red" },
  };
  let n = 9210;
  let failed = 0;
  for (const [why, props] of Object.entries(bad)) {
    const id = n++;
    const r = await call("PUT", `/items/${id}`, item(id, acl, props));
    const good = r.status === 400;
    if (!good) failed++;
    console.log(`${good ? "ok  " : "FAIL"} ${why}: PUT ${id} → ${r.status} ${r.json?.error?.innerError?.code ?? r.json?.error?.code ?? ""}`);
  }
  // Whole-body problems (research §4.4): an item needs an ACL and valid ACL entries.
  const { acl: _omit, ...noAcl } = item(9220, acl);
  const bodies = {
    "item without acl": [9220, noAcl],
    "item with an empty acl": [9221, { ...item(9221, acl), acl: [] }],
    "acl entry of an unknown type": [9222, { ...item(9222, acl), acl: [{ type: "role", value: "x", accessType: "grant" }] }],
    "acl entry with an unknown accessType": [9223, { ...item(9223, acl), acl: [{ ...acl[0], accessType: "allow" }] }],
    "item without properties": [9224, { ...item(9224, acl), properties: {} }],
  };
  for (const [why, [id, body]] of Object.entries(bodies)) {
    const r = await call("PUT", `/items/${id}`, body);
    const good = r.status === 400;
    if (!good) failed++;
    console.log(`${good ? "ok  " : "FAIL"} ${why}: PUT ${id} → ${r.status} ${r.json?.error?.innerError?.code ?? r.json?.error?.code ?? ""}`);
  }
  if (failed) process.exit(1);
}

// ── tenant quota across connections (scenarios/quota/tenant-quota-across-connections.yaml) ──
// The scenario's connection A gets 2 items, a second connection B (same app) 1 item; the tenant
// quota is 3, the per-connection quota the default.
const otherBase = `${base}b`;
async function tenantSetup() {
  const acl = await grantEveryone();
  for (const id of [9001, 9002]) await must(`PUT ${id}`, call("PUT", `/items/${id}`, item(id, acl)));
  await must("POST connection B", call("POST", `${origin}/v1.0/external/connections`, { id: `${connId}b`, name: "second connection" }));
  const r = await must("PATCH schema B", call("PATCH", `${otherBase}/schema`, BASIC_SCHEMA));
  for (let i = 0; i < 50 && (await call("GET", r.location)).json.status !== "completed"; i++)
    await new Promise((res) => setTimeout(res, 20));
  await must("PUT B 9501", call("PUT", `${otherBase}/items/9501`, item(9501, acl)));
}
async function tenantProbe() {
  const acl = await grantEveryone();
  const checks = [];
  const state = async () => (await call("GET", "")).json.state;
  checks.push(["A is limitExceeded with 2 items (tenant total 3)", (await state()) === "limitExceeded"]);
  checks.push(["B is limitExceeded too", (await call("GET", otherBase)).json.state === "limitExceeded"]);
  const refused = await call("PUT", "/items/9003", item(9003, acl));
  checks.push([`new item in A refused (${refused.status} ${refused.json?.error?.innerError?.code ?? ""})`, refused.status === 403]);
  const update = await call("PUT", "/items/9001", item(9001, acl, { title: "updated" }));
  checks.push([`update in A allowed (${update.status})`, update.status === 200]);
  const del = await call("DELETE", `${otherBase}/items/9501`);
  checks.push([`delete in B allowed (${del.status})`, del.status === 204]);
  checks.push(["A back to ready once the tenant is under quota", (await state()) === "ready"]);
  const created = await call("PUT", "/items/9003", item(9003, acl));
  checks.push([`new item in A accepted (${created.status})`, created.status === 200]);
  let bad = 0;
  for (const [what, ok] of checks) {
    if (!ok) bad++;
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  }
  if (bad) process.exit(1);
}

// ── schema rules (scenarios/schema/rules.yaml): each bad schema is refused synchronously ──
async function schemaRules() {
  const p = (name, type, extra = {}) => ({ name, type, isRetrievable: true, ...extra });
  const t = BASIC_SCHEMA.properties;
  const schema = (properties, baseType = "microsoft.graph.externalItem") => ({ baseType, properties });
  const bad = {
    "labelled property not retrievable": schema([{ ...t[0], isRetrievable: false }, t[1]]),
    "label on a property of another type (createdDateTime on a string)": schema([...t, p("when", "string", { labels: ["createdDateTime"] })]),
    "same label on two properties": schema([...t, p("title2", "string", { labels: ["title"] })]),
    "searchable int64": schema([...t, p("n", "int64", { isSearchable: true })]),
    "refinable and searchable": schema([...t, p("tag", "string", { isSearchable: true, isRefinable: true, isQueryable: true })]),
    "refinable boolean": schema([...t, p("flag", "boolean", { isRefinable: true, isQueryable: true })]),
    "exact match on a searchable string": schema([...t, p("code", "string", { isSearchable: true, isExactMatchRequired: true })]),
    "duplicate property name (case-insensitive)": schema([...t, p("Title", "string")]),
    "property name over 32 characters": schema([...t, p("a".repeat(33), "string")]),
    "property name with a forbidden character (:)": schema([...t, p("my:prop", "string")]),
    "no properties": schema([]),
    "129 properties": schema([...t, ...Array.from({ length: 127 }, (_, i) => p(`p${i}`, "string"))]),
    "wrong baseType": schema(t, "microsoft.graph.driveItem"),
    "unknown type": schema([...t, p("x", "float")]),
  };
  let failed = 0;
  for (const [why, body] of Object.entries(bad)) {
    const r = await call("PATCH", "/schema", body);
    const good = r.status === 400;
    if (!good) failed++;
    console.log(`${good ? "ok  " : "FAIL"} ${why}: ${r.status} ${r.json?.error?.innerError?.code ?? r.json?.error?.code ?? ""}`);
  }
  const conn = await must("GET connection", call("GET", ""));
  if (conn.json.state !== "draft") {
    failed++;
    console.log(`FAIL a refused schema changed the state to ${conn.json.state}`);
  }
  // 127 properties are accepted, then only additive updates (the 128th property is added last).
  await registerSchema(schema([...t, p("spaceKey", "string", { isQueryable: true, isRefinable: true }), ...Array.from({ length: 124 }, (_, i) => p(`p${i}`, "string"))]));
  const full = (await must("GET schema", call("GET", "/schema"))).json.properties;
  const updates = {
    "update that removes a property": schema(full.slice(1)),
    "update that changes a type": schema(full.map((x) => (x.name === "p0" ? { ...x, type: "int64" } : x))),
    "update that removes retrievable": schema(full.map((x) => (x.name === "p1" ? { ...x, isRetrievable: false } : x))),
    "update that changes refinable": schema(full.map((x) => (x.name === "spaceKey" ? { ...x, isRefinable: false } : x))),
  };
  for (const [why, body] of Object.entries(updates)) {
    const r = await call("PATCH", "/schema", body);
    const good = r.status === 400;
    if (!good) failed++;
    console.log(`${good ? "ok  " : "FAIL"} ${why}: ${r.status} ${r.json?.error?.innerError?.code ?? r.json?.error?.code ?? ""}`);
  }
  await registerSchema(schema([...full, p("added", "string", { isQueryable: true })]));
  const after = (await must("GET schema", call("GET", "/schema"))).json.properties;
  const ok = after.length === 128 && after.some((x) => x.name === "added");
  if (!ok) failed++;
  console.log(`${ok ? "ok  " : "FAIL"} additive update to 128 properties: ${after.length} properties`);
  if (failed) process.exit(1);
}

// ── the operation table (seed 003), probe mode ──
const TABLE = {
  readConnection: { draft: 1, ready: 1, obsolete: 1, limitExceeded: 1 },
  updateConnection: { draft: 1, ready: 1, obsolete: 0, limitExceeded: 1 },
  readSchema: { draft: 0, ready: 1, obsolete: 1, limitExceeded: 1 },
  updateSchema: { draft: 0, ready: 1, obsolete: 0, limitExceeded: 0 },
  deleteSchema: { draft: 0, ready: 0, obsolete: 0, limitExceeded: 0 },
  readItem: { draft: 0, ready: 1, obsolete: 1, limitExceeded: 1 },
  updateItem: { draft: 0, ready: 1, obsolete: 0, limitExceeded: 1 },
  createItem: { draft: 0, ready: 1, obsolete: 0, limitExceeded: 0 },
  deleteItem: { draft: 0, ready: 1, obsolete: 0, limitExceeded: 1 },
  createSchema: { draft: 1, ready: 0, obsolete: 0, limitExceeded: 0 },
  deleteConnection: { draft: 1, ready: 1, obsolete: 1, limitExceeded: 1 },
};

async function probe(expected) {
  const conn = await must("GET connection", call("GET", ""));
  const state = conn.json.state;
  console.log(`connection ${base.split("/").pop()} is ${state}`);
  if (expected && state !== expected) {
    console.log(`FAIL expected state ${expected}`);
    return 1;
  }
  const acl = await grantEveryone();
  const ops = {
    readConnection: () => call("GET", ""),
    updateConnection: () => call("PATCH", "", { description: `probed in ${state}` }),
    readSchema: () => call("GET", "/schema"),
    // PATCH on a connection that has a schema is an update (the twin's reading of the table).
    updateSchema: () => (state === "draft" ? null : call("PATCH", "/schema", BASIC_SCHEMA)),
    deleteSchema: () => call("DELETE", "/schema"),
    readItem: () => call("GET", "/items/9001"),
    updateItem: () => call("PUT", "/items/9001", item(9001, acl, { title: `Item 9001 updated in ${state}` })),
    createItem: () => call("PUT", "/items/9999", item(9999, acl)),
    deleteItem: () => call("DELETE", "/items/9002"),
    // PATCH on a connection without a schema is a create; it completes at once
    // (schemaProvisioningMs: 0), so it runs after every other check.
    createSchema: () => (state === "draft" ? call("PATCH", "/schema", BASIC_SCHEMA) : null),
    deleteConnection: () => call("DELETE", ""),
  };
  let bad = 0;
  for (const [op, run] of Object.entries(ops)) {
    const r = await run();
    if (!r) {
      console.log(`n/a  ${op} in ${state}: not distinguishable over HTTP (PATCH schema is create without a schema, update with one)`);
      continue;
    }
    const want = TABLE[op][state] === 1;
    // A refusal is the state refusal (400 OperationNotAllowedInState, 403 quotaLimitReached;
    // delete schema is always 404 UnknownError): a 404 itemNotFound in draft would not count.
    const allowed = r.status < 300;
    const refused = r.status === 400 || r.status === 403 || (op === "deleteSchema" && r.status === 404);
    const good = want ? allowed : refused;
    if (!good) bad++;
    const code = r.json?.error?.innerError?.code ?? r.json?.error?.code ?? "";
    console.log(`${good ? "ok  " : "FAIL"} ${op} in ${state}: ${want ? "allowed" : "refused"} expected, got ${r.status} ${code}`);
  }
  const gone = await call("GET", "");
  if (gone.status !== 404) {
    bad++;
    console.log(`FAIL connection still readable after delete: ${gone.status}`);
  }
  return bad;
}

try {
  if (env("CGSIM_CRAWL_MODE") === "full") await setup();
  else if (plan === "tenant") await tenantProbe();
  else if (plan === "table") {
    let bad = 0;
    for (const [id, state] of TABLE_CONNECTIONS) bad += await on(id, () => probe(state));
    if (bad) process.exit(1);
  } else if (await probe()) process.exit(1);
  process.exit(0); // do not wait for keep-alive sockets to close
} catch (error) {
  console.error(String(error?.stack ?? error));
  process.exit(1);
}
