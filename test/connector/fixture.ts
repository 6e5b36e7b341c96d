import type { DirectoryFile } from "../../src/fixture-formats/directory-schema.ts";
import type { SiteSpec } from "../../src/simulators/confluence/seed.ts";

/**
 * A small site exercising every permission shape: space groups, own restrictions, inherited
 * restrictions (S02), restricted users without space access (S04), anonymous space with a
 * restricted page (S05), edit-only restriction (S15), hidden email (S16), email ≠ UPN (S17),
 * an archived page (S25) and a blog post.
 */
export const SITE: SiteSpec = {
  site: { name: "acme", anonymousAccess: true },
  users: [
    { name: "svc", email: "svc@acme.com", apiToken: "token-svc", admin: true },
    { name: "alice", email: "alice@contoso.com" },
    { name: "bob", email: "Bob@Contoso.com" },
    { name: "carol", email: "carol@contoso.com", emailHidden: true },
    { name: "dave", email: "dave.smith@fabrikam.com" },
    { name: "erin", email: "erin@contoso.com" },
    { name: "frank", email: "frank@contoso.com" },
  ],
  groups: [
    { name: "eng", members: ["alice", "bob", "carol"] },
    { name: "hr", members: ["erin", "alice", "dave"] },
    { name: "hr-leads", members: ["alice"] },
    { name: "legal", members: ["frank"] },
    { name: "crawlers", members: ["svc"] },
  ],
  spaces: [
    {
      key: "ENG",
      name: "Engineering",
      view: ["group:eng", "group:crawlers"],
      pages: [
        {
          id: "1000",
          title: "Engineering Home",
          created: "2025-06-01T09:00:00Z",
          children: [
            {
              id: "1004",
              title: "Design reviews",
              read: ["user:alice", "user:bob", "user:svc"],
              children: [
                { id: "1006", title: "Review of the cache", read: ["user:alice", "user:svc", "group:hr"] },
              ],
            },
          ],
        },
        { id: "1001", title: "Salary bands", read: ["user:alice", "user:carol", "user:svc"] },
        { id: "1002", title: "Roadmap", labels: ["roadmap", "planning"], body: "<p>Q3 <b>roadmap</b></p>" },
        { id: "1003", title: "On-call rota", update: ["user:alice"] },
        { id: "1010", title: "Old architecture", status: "archived" },
      ],
      blogposts: [{ id: "1100", title: "Release notes January", labels: ["release"] }],
    },
    {
      key: "HR",
      name: "Human Resources",
      view: ["group:hr", "group:crawlers"],
      pages: [
        {
          id: "2000",
          title: "Leadership compensation",
          read: ["group:hr-leads", "group:crawlers"],
          children: [{ id: "2001", title: "Compensation appendix" }],
        },
        { id: "2002", title: "Investigation file", read: ["user:alice", "user:frank", "user:svc"] },
        { id: "2003", title: "Dave's review", read: ["user:dave", "user:svc"] },
      ],
    },
    {
      key: "PUB",
      name: "Public",
      view: ["group:confluence-users", "anonymous", "group:crawlers"],
      pages: [
        { id: "3001", title: "Company handbook", labels: ["handbook"] },
        { id: "3002", title: "Legal hold list", read: ["group:legal", "group:crawlers"] },
      ],
    },
  ],
};

export const DIRECTORY: DirectoryFile = {
  tenant: "contoso.com",
  users: [
    { upn: "alice@contoso.com" },
    { upn: "bob@contoso.com" },
    { upn: "carol@contoso.com" },
    { upn: "dsmith@contoso.com", mail: "dave.smith@fabrikam.com" },
    { upn: "erin@contoso.com" },
    { upn: "frank@contoso.com" },
  ],
};

export const UPNS = DIRECTORY.users!.map((u) => u.upn);
/** Directory UPN → Confluence user name, for comparing with Confluence's own answer. */
export const CONFLUENCE_NAME: Record<string, string> = {
  "alice@contoso.com": "alice",
  "bob@contoso.com": "bob",
  "carol@contoso.com": "carol",
  "dsmith@contoso.com": "dave",
  "erin@contoso.com": "erin",
  "frank@contoso.com": "frank",
};
