import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DirectoryFile } from "../fixture-formats/directory-schema.ts";
import { loadDirectoryFile, loadSiteFile } from "../fixture-formats/load.ts";
import type { SiteFixture } from "../fixture-formats/site-schema.ts";
import { type CaptureManifest, DIRECTORY_FILE, INDEX_FILE, MANIFEST, SITE_FILE } from "./output.ts";
import { type IndexSnapshot, indexSnapshotSchema, REPLAY_ROLES, REPLAY_SECRET } from "./snapshot.ts";

/** A capture directory read back: the fixtures cgsim loads, the index to seed, and the manifest. */
export interface LoadedCapture {
  dir: string;
  manifest: CaptureManifest;
  site: SiteFixture;
  /** The captured directory, or one made from the site's emails until `cgsim capture graph` ran. */
  directory: DirectoryFile;
  index?: IndexSnapshot;
}

export function isCaptureDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, MANIFEST));
}

export function loadCapture(dir: string): LoadedCapture {
  if (!isCaptureDir(dir)) throw new Error(`${dir} is not a capture directory (no ${MANIFEST})`);
  const manifest = JSON.parse(readFileSync(join(dir, MANIFEST), "utf8")) as CaptureManifest;
  if (manifest.format !== "cgsim-capture" || manifest.version !== 1)
    throw new Error(`${join(dir, MANIFEST)}: not a cgsim capture manifest of version 1`);
  const sitePath = join(dir, SITE_FILE);
  if (!existsSync(sitePath))
    throw new Error(`${dir} has no ${SITE_FILE}: run cgsim capture confluence first`);
  const site = loadSiteFile(sitePath);
  const directoryPath = join(dir, DIRECTORY_FILE);
  const directory = existsSync(directoryPath) ? loadDirectoryFile(directoryPath) : undefined;
  const indexPath = join(dir, INDEX_FILE);
  let index: IndexSnapshot | undefined;
  if (existsSync(indexPath)) {
    const parsed = indexSnapshotSchema.safeParse(JSON.parse(readFileSync(indexPath, "utf8")));
    if (!parsed.success)
      throw new Error(
        `${indexPath}: ${parsed.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
          .join("; ")}`,
      );
    index = parsed.data;
  }
  return { dir, manifest, site, directory: directory ?? directoryFromSite(site), index };
}

/**
 * A capture without its Graph side still replays: one Entra user per Confluence account with a
 * visible email (UPN = email) and an app for the connector, so a scenario can crawl it.
 */
function directoryFromSite(site: SiteFixture): DirectoryFile {
  const emails = [
    ...new Set((site.spec.users ?? []).map((u) => u.email?.trim() ?? "").filter((e) => e.includes("@"))),
  ];
  return {
    tenant: "capture.onmicrosoft.com",
    users: emails.map((upn) => ({ upn })),
    apps: [
      {
        clientId: "00000000-0000-4000-8000-00000000c0de",
        secret: REPLAY_SECRET,
        name: "connector app (replay)",
        roles: REPLAY_ROLES,
      },
    ],
  };
}
