// What works on Node 20 with nothing but the proxy env (its built-in fetch ignores proxy variables):
// @azure/identity's ClientSecretCredential on default options (its HTTP pipeline reads HTTPS_PROXY,
// instance discovery included) and confluence.js 2 (axios reads the proxy variables itself).
// argv[2]: {tenantId, clientId, clientSecret, host, email, apiToken}. Prints one JSON line.
import { ClientSecretCredential } from "@azure/identity";
import { ConfluenceClient } from "confluence.js";

const args = JSON.parse(process.argv[2]);
const credential = new ClientSecretCredential(args.tenantId, args.clientId, args.clientSecret);
const token = await credential.getToken("https://graph.microsoft.com/.default");
const claims = JSON.parse(Buffer.from(token.token.split(".")[1], "base64url").toString());

const confluence = new ConfluenceClient({
  host: args.host,
  authentication: { basic: { email: args.email, apiToken: args.apiToken } },
});
const space = await confluence.space.getSpace({ spaceKey: "ENG" });
const restrictions = await confluence.contentRestrictions.getRestrictions({ id: "1002" });
const found = await confluence.search.searchByCQL({ cql: 'type = page and space = "ENG"' });

process.stdout.write(
  `${JSON.stringify({
    tid: claims.tid,
    appid: claims.appid,
    space: space.key,
    spaceSelf: space._links?.self,
    restrictionOperations: restrictions.results.map((r) => r.operation),
    cqlHits: found.results.length,
  })}\n`,
);
