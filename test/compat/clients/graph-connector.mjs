// A third-party Graph connector as Microsoft's samples write one: the unmodified Graph SDK with
// @azure/identity's ClientSecretCredential on default options (real hosts hard-coded, no base URL,
// no authority host), search as users through ROPC, and MSAL's silent renewal. It learns nothing
// about cgsim but the process environment (the ready line's `env`) and the credentials in argv[2].
// Prints one JSON line with what it saw; exits non-zero on the first failure.

import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import { PublicClientApplication } from "@azure/msal-node";
import { Client } from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";

const { tenantId, clientId, clientSecret, users, connectionId } = JSON.parse(process.argv[2]);
const [first, second] = users;
const seen = {};

const graph = (credential, scopes) =>
  Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes }),
  });
const app = graph(new ClientSecretCredential(tenantId, clientId, clientSecret), [
  "https://graph.microsoft.com/.default",
]);

// Connection and schema, as the samples' ensureSchema does: create the schema only on 404.
await app
  .api("/external/connections")
  .post({ id: connectionId, name: "Own connector", description: "third-party code" });
try {
  await app.api(`/external/connections/${connectionId}/schema`).get();
  seen.schemaBefore = 200;
} catch (error) {
  seen.schemaBefore = error.statusCode;
  if (error.statusCode !== 404) throw error;
}
const schema = {
  baseType: "microsoft.graph.externalItem",
  properties: [
    { name: "title", type: "string", isSearchable: true, isRetrievable: true, labels: ["title"] },
    { name: "url", type: "string", isRetrievable: true, labels: ["url"] },
  ],
};
// The SDK hands back the raw Response so the Location header can be read.
const accepted = await app
  .api(`/external/connections/${connectionId}/schema`)
  .header("content-type", "application/json")
  .responseType("raw")
  .patch(schema);
seen.schemaStatus = accepted.status;
const operation = new URL(accepted.headers.get("location")).pathname.replace(/^\/v1\.0/, "");
const started = Date.now();
let status = "inprogress";
while (status === "inprogress") {
  if (Date.now() - started > 20_000) throw new Error("schema operation still inprogress after 20 s");
  await new Promise((r) => setTimeout(r, 200));
  status = (await app.api(operation).get()).status;
}
seen.operation = { status, waitedMs: Date.now() - started };

// Items with ACLs: one for each user, one for everyone (its title has an en dash, no annotation).
const userId = async (upn) => (await app.api(`/users/${upn}`).select("id").get()).id;
const grant = (id) => [{ type: "user", value: id, accessType: "grant" }];
const items = [
  ["mine1", "Alpha plan for the first user", grant(await userId(first.upn))],
  ["mine2", "Alpha notes for the second user", grant(await userId(second.upn))],
  ["all", "Alpha \u2013 everyone", [{ type: "everyone", value: "everyone", accessType: "grant" }]],
];
for (const [id, title, acl] of items) {
  await app.api(`/external/connections/${connectionId}/items/${id}`).put({
    acl,
    properties: { title, url: `https://contoso.example/${id}` },
    content: { type: "text", value: title },
  });
}

// Search as each user (delegated tokens by ROPC): each sees their own item and the shared one.
const search = async (client) => {
  const res = await client.api("/search/query").post({
    requests: [
      {
        entityTypes: ["externalItem"],
        contentSources: [`/external/connections/${connectionId}`],
        query: { queryString: "Alpha" },
      },
    ],
  });
  return (res.value[0].hitsContainers[0].hits ?? []).map((h) => h.resource.properties.title).sort();
};
const delegated = ["https://graph.microsoft.com/ExternalItem.Read.All"];
seen.search = {};
seen.search[first.upn] = await search(
  graph(new UsernamePasswordCredential(tenantId, clientId, first.upn, first.password), delegated),
);

// MSAL directly (what @azure/identity wraps): sign in, then renew silently with the refresh token.
const msal = new PublicClientApplication({
  auth: { clientId, authority: `https://login.microsoftonline.com/${tenantId}` },
});
const signedIn = await msal.acquireTokenByUsernamePassword({
  scopes: delegated,
  username: second.upn,
  password: second.password,
});
const renewed = await msal.acquireTokenSilent({
  account: signedIn.account,
  scopes: delegated,
  forceRefresh: true,
});
seen.renewal = { renewed: renewed.accessToken !== signedIn.accessToken, account: renewed.account?.username };
const withToken = {
  getToken: async () => ({ token: renewed.accessToken, expiresOnTimestamp: renewed.expiresOn.getTime() }),
};
seen.search[second.upn] = await search(graph(withToken, delegated));

// Graph's date header follows the twins' clock.
const raw = await app.api(`/external/connections/${connectionId}`).responseType("raw").get();
seen.graphDate = raw.headers.get("date");

process.stdout.write(`${JSON.stringify(seen)}\n`);
