import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { captureConfluenceCommand } from "../../src/capture/commands.ts";
import { loadCapture } from "../../src/capture/load.ts";
import { MAPPING_FILE, privateDirFor } from "../../src/capture/output.ts";
import type { MappingFile } from "../../src/capture/pseudonyms.ts";
import {
  DEFAULT_DIRECTORY_FILE,
  DEFAULT_SITE_FILE,
  loadDirectoryFile,
  loadSiteFile,
  PROJECT_ROOT,
} from "../../src/fixture-formats/load.ts";
import { resolveSiteFile } from "../../src/fixture-formats/site-source.ts";
import { AccessEvaluator } from "../../src/simulators/confluence/permissions.ts";
import { World } from "../../src/simulators/world.ts";
import { captureWorld, decisions, tempCaptureDir } from "./support.ts";

/**
 * Round trip: capture a world served over http → load the fixture → every account × content
 * decision (and anonymous) equals the original's, for the content the capturing account can see
 * (the rest is invisible to the API by design, and must be exactly that rest). Anonymised: equal
 * up to the pseudonym mapping.
 */

function worldOf(site: string): World {
  const resolved = resolveSiteFile(join(PROJECT_ROOT, site), 42);
  return new World({
    site: resolved.site,
    directory: resolved.directory ?? loadDirectoryFile(DEFAULT_DIRECTORY_FILE),
  });
}

async function roundTrip(site: string, anonymise: boolean) {
  const original = worldOf(site);
  try {
    const run = await captureWorld(original, { anonymise, emails: false });
    const capture = loadCapture(run.out);
    const replay = new World({ site: capture.site });
    const store = original.confluence.store;
    const crawler = [...store.users.values()].find((u) => u.admin && u.active)!;
    const sees = new AccessEvaluator(store, { type: "user", accountId: crawler.accountId });
    const visible = new Set([...store.content.values()].filter((c) => sees.canView(c)).map((c) => c.id));
    expect(new Set(replay.confluence.store.content.keys())).toEqual(visible);

    const mapping = anonymise
      ? (JSON.parse(readFileSync(join(privateDirFor(run.out), MAPPING_FILE), "utf8")) as MappingFile)
      : undefined;
    const toReplay = (accountId: string) =>
      mapping ? (mapping.values.accountId?.[accountId] ?? accountId) : accountId;
    const before = decisions(store, visible);
    const after = decisions(replay.confluence.store);
    const expected = new Map(
      [...before].map(([k, v]) => {
        const [who, item] = k.split(" × ");
        return [`${who === "anonymous" ? who : toReplay(who)} × ${item}`, v];
      }),
    );
    // Accounts nobody references are not captured: they can view exactly what anonymous can.
    for (const [k, v] of expected) {
      const [who, item] = k.split(" × ");
      expect(after.get(k) ?? after.get(`anonymous × ${item}`), `${k} (${who})`).toBe(v);
    }
    expect([...before.values()].filter(Boolean).length).toBeGreaterThan(0);
    return { run, capture, original, replay };
  } finally {
    await original.close();
  }
}

describe("capture → site fixture round trip", () => {
  it("--cql: the matched content plus its ancestors, whose restrictions it inherits", async () => {
    const original = worldOf("fixtures/sites/contoso.yaml");
    try {
      const server = await original.listen();
      const out = tempCaptureDir();
      await captureConfluenceCommand({
        site: server.url,
        out,
        anonymise: false,
        cql: 'title = "Compensation appendix"',
        auth: { type: "basic", email: "svc-crawler@contoso.com", apiToken: "crawler-token" },
      });
      const replay = new World({ site: loadCapture(out).site });
      expect([...replay.confluence.store.content.keys()].sort()).toEqual(["2000", "2001"]);
      const ids = new Set(["2000", "2001"]);
      const before = decisions(original.confluence.store, ids);
      for (const [k, v] of decisions(replay.confluence.store))
        if (before.has(k)) expect(v, k).toBe(before.get(k));
      expect(replay.confluence.store.content.get("2001")?.parentId).toBe("2000");
    } finally {
      await original.close();
    }
  });

  it("--bodies keeps page bodies as they are, or as same-length filler when anonymised", async () => {
    const original = worldOf("fixtures/sites/contoso.yaml");
    try {
      const server = await original.listen();
      const auth = { type: "basic" as const, email: "svc-crawler@contoso.com", apiToken: "crawler-token" };
      const plain = tempCaptureDir();
      const hidden = tempCaptureDir();
      await captureConfluenceCommand({ site: server.url, out: plain, anonymise: false, bodies: true, auth });
      await captureConfluenceCommand({ site: server.url, out: hidden, anonymise: true, bodies: true, auth });
      const body = (dir: string) =>
        new World({ site: loadCapture(dir).site }).confluence.store.content.get("1001")!.body;
      const real = original.confluence.store.content.get("1001")!.body;
      expect(body(plain)).toBe(real);
      expect(body(hidden)).toHaveLength(real.length);
      expect(body(hidden)).not.toBe(real);
    } finally {
      await original.close();
    }
  });

  it("reads the site's anonymous-access switch when it is off", async () => {
    const site = loadSiteFile(DEFAULT_SITE_FILE);
    site.spec.site = { ...site.spec.site, anonymousAccess: false };
    const world = new World({ site });
    try {
      const run = await captureWorld(world);
      expect(loadCapture(run.out).site.spec.site?.anonymousAccess).toBe(false);
    } finally {
      await world.close();
    }
  });

  it("bundled contoso site: every decision equal; hidden emails, guests and product access kept", async () => {
    const { capture, run } = await roundTrip("fixtures/sites/contoso.yaml", false);
    const users = capture.site.spec.users ?? [];
    expect(users.find((u) => u.email === "")?.emailHidden).toBe(true);
    expect(users.find((u) => u.email === "gina@partner.io")?.guest).toBe(true);
    expect(capture.manifest.blindSpots.map((b) => b.kind)).toContain("hiddenEmail");
    expect(readFileSync(join(run.out, "site.yaml"), "utf8")).toMatch(
      /^# Captured by cgsim capture confluence/,
    );
  });

  it("bundled contoso site, anonymised: decisions equal up to the mapping, no real name left", async () => {
    const { run, capture } = await roundTrip("fixtures/sites/contoso.yaml", true);
    const text = readFileSync(join(run.out, "site.yaml"), "utf8");
    for (const real of ["contoso", "alice", "Leadership", "Roadmap", "partner.io"])
      expect(text).not.toMatch(new RegExp(real, "i"));
    expect(capture.manifest.anonymised).toBe(true);
    // The relationships that decide identity mapping survive: the guest, the hidden email.
    const users = capture.site.spec.users ?? [];
    expect(users.filter((u) => u.guest)).toHaveLength(1);
    expect(users.filter((u) => u.emailHidden)).toHaveLength(1);
  });

  it("generated medium site (seed 42): every decision equal", async () => {
    const { original, capture } = await roundTrip("fixtures/generators/medium.yaml", false);
    expect(capture.manifest.confluence?.counts.pages).toBeGreaterThan(200);
    expect(original.confluence.store.content.size).toBeGreaterThan(capture.site.spec.spaces!.length);
  });

  it("generated medium site, anonymised: decisions equal up to the mapping", async () => {
    await roundTrip("fixtures/generators/medium.yaml", true);
  });
});
