import { appToken } from "../scenarios/steps/graph-request.ts";
import type { World } from "../simulators/world.ts";
import type { IndexSnapshot } from "./snapshot.ts";

/**
 * Writes a captured index back into a world's Graph twin the way a connector would: as the
 * directory's first app, over the world's in-process transport, through Graph's own connector
 * API (create the connection, register the schema, create the external groups and their members,
 * PUT every item). Only the schema's provisioning delay is switched off meanwhile, through the
 * Graph admin API, so the seeded connection is ready at the capture's instant.
 */
export async function seedIndex(world: World, index: IndexSnapshot): Promise<void> {
  const origin = "https://graph.microsoft.com";
  const accessToken = await appToken(world, world.fetch);
  const call = async (method: string, path: string, body?: unknown, ok = [200, 201, 202, 204]) => {
    const response = await world.fetch(`${origin}${path}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!ok.includes(response.status))
      throw new Error(
        `seeding the index: ${method} ${path} answered HTTP ${response.status}: ${text.slice(0, 300)}`,
      );
    return text;
  };
  const admin = async (path: string, body: unknown) => (await world.admin("POST", path, body)).json();

  const c = index.connection;
  const base = `/v1.0/external/connections/${encodeURIComponent(c.id)}`;
  await call("POST", "/v1.0/external/connections", {
    id: c.id,
    name: c.name,
    description: c.description ?? "",
    ...(c.activitySettings ? { activitySettings: c.activitySettings } : {}),
  });
  if (index.schema) {
    const provisioning = world.graph.schemaProvisioningMs;
    await admin("/_sim/graph/provisioning", { ms: 0 });
    try {
      await call("PATCH", `${base}/schema`, index.schema);
    } finally {
      await admin("/_sim/graph/provisioning", { ms: provisioning });
    }
  }
  for (const g of index.externalGroups) {
    await call("POST", `${base}/groups`, {
      id: g.id,
      ...(g.displayName ? { displayName: g.displayName } : {}),
      ...(g.description ? { description: g.description } : {}),
    });
  }
  for (const g of index.externalGroups)
    for (const m of g.members ?? [])
      await call("POST", `${base}/groups/${encodeURIComponent(g.id)}/members`, { id: m.id, type: m.type });
  const annotations = collectionAnnotations(index);
  for (const item of index.items) {
    const id = item.contentId ?? item.id;
    const properties: Record<string, unknown> = { ...item.properties };
    for (const [name, type] of annotations) if (name in properties) properties[`${name}@odata.type`] = type;
    await call("PUT", `${base}/items/${encodeURIComponent(id)}`, {
      acl: item.acl,
      properties,
      ...(item.content ? { content: item.content } : {}),
    });
  }
}

const COLLECTION_TYPES: Record<string, string> = {
  stringCollection: "Collection(String)",
  int64Collection: "Collection(Int64)",
  doubleCollection: "Collection(Double)",
  dateTimeCollection: "Collection(DateTimeOffset)",
};

/**
 * Graph returns collection values without their `@odata.type` but requires it on PUT
 * (https://learn.microsoft.com/en-us/graph/api/externalconnectors-externalconnection-put-items):
 * the annotations the schema calls for.
 */
function collectionAnnotations(index: IndexSnapshot): Array<[string, string]> {
  return (index.schema?.properties ?? []).flatMap((p) => {
    const type = COLLECTION_TYPES[String(p.type)];
    return type && typeof p.name === "string" ? [[p.name, type] as [string, string]] : [];
  });
}
