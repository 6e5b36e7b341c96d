import type { ConfluenceRoute } from "../../../src/simulators/confluence/context.ts";
import { v1Routes } from "../../../src/simulators/confluence/routes/v1/index.ts";
import { accountIdFor, type SiteSpec } from "../../../src/simulators/confluence/seed.ts";
import type { ConfluenceOptions } from "../../../src/simulators/confluence/twin.ts";
import { json } from "../../../src/simulators/host/index.ts";
import { testWorld } from "../../support/world.ts";

/**
 * Stand-ins for two v2 operations (their real handlers live in routes/v2): enough to test the
 * service's auth, scope and rate-limit layer on v2 paths without depending on them.
 */
export const V2_PROBES: ConfluenceRoute[] = [
  {
    method: "GET",
    path: "/api/v2/pages",
    operationId: "getPages",
    api: "v2",
    handler: (ctx) => json({ results: [], caller: ctx.caller.subject, _links: { base: ctx.base } }),
  },
  {
    method: "GET",
    path: "/api/v2/spaces",
    operationId: "getSpaces",
    api: "v2",
    handler: (ctx) => json({ results: [], _links: { base: ctx.base } }),
  },
];

/** A small site with restrictions, hidden emails, guests and an anonymous space. */
export const SITE: SiteSpec = {
  site: { name: "acme", anonymousAccess: false },
  users: [
    { name: "alice", admin: true },
    { name: "bob" },
    { name: "carol", emailHidden: true },
    { name: "dave" },
    { name: "gus", guest: true },
    { name: "olga", active: false },
  ],
  groups: [
    { name: "eng", members: ["alice", "bob"] },
    { name: "leads", members: ["alice", "carol"] },
    { name: "Admins", members: ["alice"] },
  ],
  spaces: [
    {
      key: "ENG",
      name: "Engineering",
      view: ["group:eng", "group:leads"],
      pages: [
        {
          title: "Eng Home",
          id: "1001",
          labels: ["home"],
          body: '<p>Welcome <ac:structured-macro ac:name="toc"/></p>',
          children: [
            {
              title: "Secret Plans",
              id: "1002",
              read: ["group:eng"],
              update: ["user:alice"],
              children: [
                { title: "Deep Secret", id: "1003" },
                { title: "Deeper", id: "1004", read: ["user:bob", "group:leads"] },
              ],
            },
            { title: "Open Notes", id: "1005" },
          ],
        },
      ],
      blogposts: [{ title: "Launch", id: "2001", created: "2025-06-01T10:00:00Z" }],
    },
    {
      key: "PUB",
      name: "Public",
      view: ["anonymous", "group:confluence-users"],
      pages: [{ title: "Public Home", id: "3001" }],
    },
  ],
};

export const id = accountIdFor;

export function basic(name: string, token = `token-${name}`): string {
  return `Basic ${Buffer.from(`${name}@acme.example.com:${token}`).toString("base64")}`;
}

export function makeWorld(spec: SiteSpec = SITE, options: ConfluenceOptions = {}) {
  const world = testWorld({
    site: spec,
    confluence: options,
    confluenceRoutes: [...V2_PROBES, ...v1Routes()],
  });
  const { clock, confluence: twin, host, fetch } = world;
  const site = "https://acme.atlassian.net/wiki";
  const gateway = `https://api.atlassian.com/ex/confluence/${twin.store.site.cloudId}/wiki`;
  const get = (path: string, who: string | null = "alice", init: RequestInit = {}) =>
    fetch(`${site}${path}`, {
      ...init,
      headers: { ...(who ? { authorization: basic(who) } : {}), ...(init.headers as Record<string, string>) },
    });
  return { clock, twin, host, fetch, site, gateway, get };
}
