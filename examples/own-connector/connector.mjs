// A team's own Confluence → Microsoft Graph connector, written as Microsoft's samples write one:
// the Graph SDK with @azure/identity's ClientSecretCredential on default options (real hosts,
// no base URL, no authority host) and plain fetch for Confluence. It knows nothing about cgsim:
// everything comes from the environment.
//
//   AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET   the Entra app that writes to Graph
//   CONFLUENCE_SITE_URL                                      https://NAME.atlassian.net
//   CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN                   the crawl account (Basic auth)
//   CONNECTION_ID                                            the Graph connection (default confluenceown)
//
// A full crawl: make sure the connection and its schema exist (the schema is created only when
// GET …/schema answers 404, then its operation is polled until it completes), then index every
// page and blog post the crawl account sees with an ACL of the users who may view it in
// Confluence — space permission (users, groups, anonymous) intersected with the read
// restrictions of the content and each of its ancestors. Accounts map to Entra users by email
// (UPN, then mail); hidden emails cannot be mapped and are logged. Exit code 0: the crawl completed.
//
// What it leaves out (a real connector would not): deleting items of deleted content, incremental
// crawls, retries on 429/503.

import { ClientSecretCredential } from "@azure/identity";
import { Client, ResponseType } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import { Confluence } from "./confluence.mjs";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set`);
    process.exit(2);
  }
  return value;
}

const tenantId = required("AZURE_TENANT_ID");
const connectionId = process.env.CONNECTION_ID || "confluenceown";
const site = required("CONFLUENCE_SITE_URL");
const confluence = new Confluence({
  site,
  email: required("CONFLUENCE_EMAIL"),
  apiToken: required("CONFLUENCE_API_TOKEN"),
});
const credential = new ClientSecretCredential(
  tenantId,
  required("AZURE_CLIENT_ID"),
  required("AZURE_CLIENT_SECRET"),
);
const graph = Client.initWithMiddleware({
  authProvider: new TokenCredentialAuthenticationProvider(credential, {
    scopes: ["https://graph.microsoft.com/.default"],
  }),
});
const connection = `/external/connections/${connectionId}`;

const schema = {
  baseType: "microsoft.graph.externalItem",
  properties: [
    { name: "title", type: "string", isSearchable: true, isRetrievable: true, labels: ["title"] },
    { name: "url", type: "string", isRetrievable: true, labels: ["url"] },
    { name: "spaceKey", type: "string", isQueryable: true, isRetrievable: true },
  ],
};

async function ensureConnection() {
  try {
    await graph.api(connection).get();
  } catch (error) {
    if (error.statusCode !== 404) throw error;
    await graph.api("/external/connections").post({
      id: connectionId,
      name: "Confluence (own connector)",
      description: "Pages and blog posts from Confluence Cloud",
    });
    console.log(`created connection ${connectionId}`);
  }
}

async function ensureSchema() {
  try {
    await graph.api(`${connection}/schema`).get();
    return;
  } catch (error) {
    if (error.statusCode !== 404) throw error;
  }
  const accepted = await graph
    .api(`${connection}/schema`)
    .header("content-type", "application/json")
    .responseType(ResponseType.RAW)
    .patch(schema);
  const operation = new URL(accepted.headers.get("location")).pathname.replace(/^\/v1\.0/, "");
  for (let polls = 1; ; polls++) {
    const { status } = await graph.api(operation).get();
    if (status === "completed") {
      console.log(`schema registered after ${polls} poll(s)`);
      return;
    }
    if (status === "failed") throw new Error(`schema operation ${operation} failed`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

const entraIds = new Map();

/** The Entra object id of the person with this email: UPN first, then mail; null when none. */
async function entraIdOf(email) {
  if (!email) return null;
  if (!entraIds.has(email)) {
    let id = null;
    try {
      id = (
        await graph
          .api(`/users/${encodeURIComponent(email)}`)
          .select("id")
          .get()
      ).id;
    } catch (error) {
      if (error.statusCode !== 404) throw error;
      const found = await graph
        .api("/users")
        .filter(`mail eq '${email.replace(/'/g, "''")}'`)
        .select("id")
        .get();
      id = found.value[0]?.id ?? null;
    }
    entraIds.set(email, id);
  }
  return entraIds.get(email);
}

/** Confluence's rule: space permission ∩ the read restriction of the content and every ancestor. */
function viewersOf(content, spaceViewers, restrictionOf, byId) {
  let accounts = spaceViewers.anonymous ? null : new Map(spaceViewers.accounts);
  for (let node = content; node; node = node.parentId ? byId.get(node.parentId) : undefined) {
    const restriction = restrictionOf.get(node.id);
    if (!restriction) continue;
    const allowed = accounts ?? restriction;
    accounts = new Map([...allowed].filter(([account]) => restriction.has(account)));
  }
  return accounts; // null: anyone, anonymous users included
}

async function aclOf(viewers, unmapped) {
  if (viewers === null) return [{ type: "everyone", value: tenantId, accessType: "grant" }];
  const acl = [];
  for (const [account, email] of viewers) {
    const id = await entraIdOf(email);
    if (id) acl.push({ type: "user", value: id, accessType: "grant" });
    else unmapped.add(email ? `${account} <${email}>` : `${account} (email hidden)`);
  }
  return acl;
}

async function crawl() {
  await ensureConnection();
  await ensureSchema();
  const counts = { indexed: 0, skipped: 0 };
  const unmapped = new Set();
  for (const space of await confluence.spaces()) {
    const spaceViewers = await confluence.spaceViewers(space);
    const contents = await confluence.contentOf(space);
    const byId = new Map(contents.map((c) => [c.id, c]));
    const restrictionOf = new Map();
    for (const content of contents)
      restrictionOf.set(content.id, await confluence.readRestriction(content.id));
    for (const content of contents) {
      const acl = await aclOf(viewersOf(content, spaceViewers, restrictionOf, byId), unmapped);
      if (acl.length === 0) {
        counts.skipped++;
        console.error(
          `skipped ${content.id} "${content.title}": nobody who may view it maps to an Entra user`,
        );
        continue;
      }
      await graph.api(`${connection}/items/${content.id}`).put({
        acl,
        properties: {
          title: content.title,
          url: `${site}/wiki${content._links.webui}`,
          spaceKey: space.key,
        },
        content: { type: "text", value: content.title },
      });
      counts.indexed++;
    }
  }
  for (const who of unmapped) console.error(`no Entra user for ${who}`);
  console.log(`full crawl: ${counts.indexed} indexed, ${counts.skipped} skipped`);
}

try {
  await crawl();
} catch (error) {
  console.error(`crawl failed: ${error.stack ?? error}`);
  process.exit(1);
}
