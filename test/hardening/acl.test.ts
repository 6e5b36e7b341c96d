import { beforeAll, describe, expect, it } from "vitest";
import { MAX_ACL_ENTRIES } from "../../src/simulators/graph/item-rules.ts";
import { contosoForFile } from "./served.ts";

/**
 * Item ACLs and connection members are checked as Graph documents them (docs/fidelity/graph.md):
 * object ids for users and groups, the tenant's id for everyone, beta's identitySource enum, a
 * bounded number of entries, and String members that are strings.
 */
const s = contosoForFile();
let token: string;
let alice: string;
const conn = "aclchecks";

beforeAll(async () => {
  token = await s.appToken();
  alice = s.world.directory.user("alice@contoso.com")!.id;
  const call = (method: string, path: string, body: unknown) =>
    fetch(`${s.url}/v1.0/external/connections${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  await call("POST", "", { id: conn, name: "ACL checks", description: "x" });
  await call("PATCH", `/${conn}/schema`, {
    baseType: "microsoft.graph.externalItem",
    properties: [{ name: "title", type: "String", isSearchable: true, isRetrievable: true }],
  });
  s.world.clock.advance(s.world.graph.schemaProvisioningMs);
  token = await s.appToken();
});

interface GraphErrorBody {
  error: { code: string; message: string; innerError: { code?: string } };
}

async function put(acl: unknown, version = "v1.0") {
  const res = await fetch(`${s.url}/${version}/external/connections/${conn}/items/i1`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ acl, properties: { title: "t" } }),
  });
  return {
    status: res.status,
    body: res.status === 200 ? undefined : ((await res.json()) as GraphErrorBody),
  };
}

const entry = (type: string, value: string, extra: Record<string, unknown> = {}) => ({
  type,
  value,
  accessType: "grant",
  ...extra,
});

describe("ACL values", () => {
  it("a user entry with a UPN instead of an object id → 400 InvalidAclValue", async () => {
    const r = await put([entry("user", "alice@contoso.com")]);
    expect(r.status).toBe(400);
    expect(r.body!.error).toMatchObject({ code: "InvalidRequest", innerError: { code: "InvalidAclValue" } });
  });

  it("a group entry with a display name → 400", async () => {
    expect((await put([entry("group", "Engineering")])).status).toBe(400);
  });

  it("everyone with another tenant's id → 400; the tenant's id and the samples' 'everyone' pass", async () => {
    const other = await put([entry("everyone", "00000000-0000-0000-0000-000000000001")]);
    expect(other.status).toBe(400);
    expect(other.body!.error.innerError.code).toBe("InvalidAclValue");
    expect((await put([entry("everyoneExceptGuests", "11111111-2222-3333-4444-555555555555")])).status).toBe(
      400,
    );
    expect((await put([entry("everyone", s.tenant)])).status).toBe(200);
    expect((await put([entry("everyone", "everyone")])).status).toBe(200);
    expect((await put([entry("user", alice)])).status).toBe(200);
  });

  it("an external group id outside the URL-safe Base64 set → 400", async () => {
    expect((await put([entry("externalGroup", "not a group!")])).status).toBe(400);
  });
});

describe("identitySource", () => {
  it("is not a v1.0 member: 400 with OData's unknown-property message", async () => {
    const r = await put([entry("user", alice, { identitySource: "azureActiveDirectory" })]);
    expect(r.status).toBe(400);
    expect(r.body!.error.message).toContain("The property 'identitySource' does not exist");
  });

  it("on beta an unknown value → 400 InvalidEnumValue; the documented ones pass", async () => {
    const r = await put([entry("user", alice, { identitySource: "ldap" })], "beta");
    expect(r.status).toBe(400);
    expect(r.body!.error.innerError.code).toBe("InvalidEnumValue");
    expect(
      (await put([entry("user", alice, { identitySource: "azureActiveDirectory" })], "beta")).status,
    ).toBe(200);
    expect(
      (await put([entry("user", alice, { identitySource: "Azure Active Directory" })], "beta")).status,
    ).toBe(200);
    expect((await put([entry("group", "grp1", { identitySource: "external" })], "beta")).status).toBe(200);
  });
});

describe("ACL size", () => {
  it(`more than ${MAX_ACL_ENTRIES} entries (10,000 here) → 400 TooManyAclEntries`, async () => {
    const r = await put(Array.from({ length: 10_000 }, () => entry("user", alice)));
    expect(r.status).toBe(400);
    expect(r.body!.error.innerError.code).toBe("TooManyAclEntries");
    expect((await put(Array.from({ length: MAX_ACL_ENTRIES }, () => entry("user", alice)))).status).toBe(200);
  });
});

describe("String members", () => {
  const create = (description: unknown) =>
    fetch(`${s.url}/v1.0/external/connections`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "descr1", name: "n", description }),
    });

  it.each([[{ text: "x" }], [["x"]], [5], [true]])(
    "a connection description of %j → 400, never stored as [object Object]",
    async (description) => {
      const res = await create(description);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("BadRequest");
      expect(s.world.graph.connection("descr1")).toBeUndefined();
    },
  );

  it("external group displayName must be a string too", async () => {
    const res = await fetch(`${s.url}/v1.0/external/connections/${conn}/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ id: "g1", displayName: { a: 1 } }),
    });
    expect(res.status).toBe(400);
  });
});
