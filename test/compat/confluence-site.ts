import { accountIdFor, type SiteSpec } from "../../src/simulators/confluence/seed.ts";
import type { ConfluenceOptions, ConfluenceTwin } from "../../src/simulators/confluence/twin.ts";
import type { RunningServer, SimHost } from "../../src/simulators/host/index.ts";
import { testWorld } from "../support/world.ts";

/** The site every confluence.js compatibility suite runs against. */
export const COMPAT_SITE: SiteSpec = {
  site: { name: "acme" },
  users: [{ name: "alice", admin: true }, { name: "bob" }, { name: "carol", emailHidden: true }],
  groups: [
    { name: "eng", members: ["alice", "bob"] },
    { name: "leads", members: ["alice", "carol"] },
  ],
  spaces: [
    {
      key: "ENG",
      name: "Engineering",
      description: "Where engineering writes things down",
      view: ["group:eng", "group:leads"],
      pages: [
        {
          title: "Eng Home",
          id: "1001",
          labels: ["home"],
          body: "<h1>Welcome</h1><p>Start <strong>here</strong>.</p>",
          children: [
            {
              title: "Secret Plans",
              id: "1002",
              read: ["group:eng"],
              update: ["user:alice"],
              children: [{ title: "Deep Secret", id: "1003", body: "<p>deep</p>" }],
            },
          ],
        },
      ],
      blogposts: [{ title: "Launch", id: "2001", created: "2025-06-01T10:00:00Z" }],
    },
    {
      key: "PUB",
      name: "Public",
      view: ["anonymous", "group:confluence-users"],
      pages: [{ title: "Hi", id: "3001" }],
    },
  ],
};

export const accountId = accountIdFor;
export const credentials = (name: string) => ({
  email: `${name}@acme.example.com`,
  apiToken: `token-${name}`,
});

export interface CompatWorld {
  twin: ConfluenceTwin;
  host: SimHost;
  server: RunningServer;
  groupId(name: string): string;
}

/** A twin served over real http on 127.0.0.1, as confluence.js would reach a site. */
export async function startCompatWorld(options: ConfluenceOptions = {}): Promise<CompatWorld> {
  const world = testWorld({ site: COMPAT_SITE, confluence: options });
  const { confluence: twin, host } = world;
  const server = await world.listen();
  return { twin, host, server, groupId: (name) => twin.store.groupByName(name)!.id };
}
