import type { SiteSpec } from "../../../src/simulators/confluence/seed.ts";
import type { ConfluenceTwin } from "../../../src/simulators/confluence/twin.ts";
import { testWorld } from "../../support/world.ts";

export const SITE = "https://acme.atlassian.net";
export const BASE = `${SITE}/wiki`;

/**
 * An answer served over the http listener with the listener's origin (`http://127.0.0.1:PORT`) in
 * its `_links` and Link headers written as the site's: the twin names the origin the client reached.
 */
export function asSite<T>(value: T, site = SITE): T {
  return JSON.parse(JSON.stringify(value).replace(/http:\/\/127\.0\.0\.1:\d+/g, site)) as T;
}

/** Basic credentials of a seeded user (seed.ts defaults: `<name>@acme.example.com`, `token-<name>`). */
export function basic(name: string): string {
  return `Basic ${Buffer.from(`${name}@acme.example.com:token-${name}`).toString("base64")}`;
}

/** A small site: a page tree with a restricted branch, archived/trashed pages, blog posts, three spaces. */
export const acmeSpec: SiteSpec = {
  site: { name: "acme" },
  users: [
    { name: "alice" },
    { name: "bob" },
    { name: "carol" },
    { name: "erin", emailHidden: true },
    { name: "gus", guest: true },
  ],
  groups: [{ name: "eng", members: ["alice", "carol"] }],
  spaces: [
    {
      key: "ENG",
      name: "Engineering",
      description: "Engineering & such",
      pages: [
        {
          title: "Home",
          labels: ["home"],
          children: [
            {
              title: "Design Notes",
              body: "<h1>Design</h1><p>Use <strong>small</strong> modules &amp; tests.</p>",
              labels: ["design", "arch"],
              children: [{ title: "Sub A" }, { title: "Sub B" }],
            },
            {
              title: "Secret Plans",
              read: ["group:eng"],
              update: ["user:alice"],
              labels: ["secret"],
              children: [{ title: "Secret Child" }],
            },
            { title: "Old Page", status: "archived" },
            { title: "Binned Page", status: "trashed" },
          ],
        },
      ],
      blogposts: [
        { title: "Release Notes", created: "2026-02-03T10:00:00Z" },
        { title: "Binned Post", status: "trashed" },
      ],
    },
    { key: "HR", name: "People", view: ["group:eng"], pages: [{ title: "HR Home" }] },
    {
      key: "PUB",
      name: "Public",
      view: ["group:confluence-users", "anonymous"],
      pages: [{ title: "Welcome" }],
    },
  ],
};

export function makeTwin(spec: SiteSpec = acmeSpec) {
  const { confluence: twin, host, fetch } = testWorld({ site: spec });
  return { twin, host, store: twin.store, fetch };
}

export type Fetch = typeof fetch;

/** GET as a user (or anonymously with `null`), returning status, headers and parsed body. */
export async function get(fetch: Fetch, path: string, as: string | null = "alice") {
  const headers: Record<string, string> = { accept: "application/json" };
  if (as) headers.authorization = basic(as);
  const res = await fetch(`${SITE}${path}`, { headers });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected freely
  const body: any = text ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, body };
}

export async function post(fetch: Fetch, path: string, payload: unknown, as = "alice") {
  const res = await fetch(`${SITE}${path}`, {
    method: "POST",
    headers: { authorization: basic(as), "content-type": "application/json", accept: "application/json" },
    body: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected freely
  const body: any = await res.json();
  return { status: res.status, headers: res.headers, body };
}

/** Follows `_links.next` to the end; returns every page's body and Link header. */
export async function followAll(fetch: Fetch, first: string, as: string | null = "alice") {
  // biome-ignore lint/suspicious/noExplicitAny: test bodies are inspected freely
  const pages: { body: any; link: string | null }[] = [];
  let path: string | undefined = first;
  while (path) {
    const res = await get(fetch, path, as);
    if (res.status !== 200) throw new Error(`${path} → ${res.status} ${JSON.stringify(res.body)}`);
    pages.push({ body: res.body, link: res.headers.get("link") });
    path = res.body._links.next;
    if (pages.length > 10_000) throw new Error("pagination does not end");
  }
  return pages;
}

export function pageId(store: ConfluenceTwin["store"], title: string): string {
  for (const c of store.content.values()) if (c.title === title) return c.id;
  throw new Error(`no content titled ${title}`);
}

export function spaceId(store: ConfluenceTwin["store"], key: string): string {
  return store.requireSpace(key).id;
}
