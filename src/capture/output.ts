import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { stringify } from "yaml";
import { anonymiseCapture, type CaptureFiles, leaks } from "./anonymise.ts";
import { toSiteFile } from "./confluence/site-file.ts";
import type { RawGraph } from "./graph/raw.ts";
import { type MappingFile, Pseudonyms } from "./pseudonyms.ts";
import type { BlindSpot, RawSite } from "./raw.ts";
import { type IndexSnapshot, toDirectoryFile, toIndexSnapshot } from "./snapshot.ts";
import type { CaptureState } from "./state.ts";

/**
 * Writes a capture directory from the private raw state: `capture.json` (the manifest: what was
 * captured, by whom, what could not be seen), `site.yaml`, `directory.yaml` and `index.json`.
 * Anonymised unless told otherwise; the mapping that reverses the pseudonyms goes to the private
 * directory, which must never be inside the capture directory.
 */

export const MANIFEST = "capture.json";
export const SITE_FILE = "site.yaml";
export const DIRECTORY_FILE = "directory.yaml";
export const INDEX_FILE = "index.json";
export const RAW_CONFLUENCE = "confluence.state.json";
export const RAW_GRAPH = "graph.state.json";
export const MAPPING_FILE = "mapping.json";

export interface CaptureManifest {
  format: "cgsim-capture";
  version: 1;
  anonymised: boolean;
  confluence?: {
    capturedAt: string;
    site: string;
    scope: { spaces?: string[]; cql?: string; bodies: boolean };
    /** The capturing account (the replay's crawl account). */
    account: string;
    counts: { users: number; groups: number; spaces: number; pages: number; blogposts: number };
  };
  graph?: {
    capturedAt: string;
    connectionId: string;
    counts: { items: number; notIndexed: number; externalGroups: number; users: number; groups: number };
  };
  blindSpots: BlindSpot[];
}

/** The private directory that goes with a capture directory: `<out>.private`, next to it. */
export function privateDirFor(out: string): string {
  return `${resolve(out)}.private`;
}

export function assertPrivateOutside(out: string, privateDir: string): void {
  const rel = relative(resolve(out), resolve(privateDir));
  if (rel === "" || (!rel.startsWith("..") && !rel.startsWith("/")))
    throw new Error(
      `the private directory ${privateDir} must not be inside the capture directory ${out} (it holds the mapping)`,
    );
}

function readState<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as CaptureState<T>).data : undefined;
}

export interface WriteResult {
  manifest: CaptureManifest;
  files: string[];
}

export function writeCapture(out: string, privateDir: string, options: { anonymise: boolean }): WriteResult {
  assertPrivateOutside(out, privateDir);
  const rawSite = readState<RawSite>(join(privateDir, RAW_CONFLUENCE));
  const rawGraph = readState<RawGraph>(join(privateDir, RAW_GRAPH));
  const site = rawSite?.capturedAt ? toSiteFile(rawSite) : undefined;
  const index: IndexSnapshot | undefined = rawGraph?.capturedAt
    ? toIndexSnapshot(rawGraph, rawGraph.connectionId ?? "", rawGraph.capturedAt)
    : undefined;
  let files: CaptureFiles = {
    site,
    directory: rawGraph?.capturedAt ? toDirectoryFile(rawGraph) : undefined,
    index,
    blindSpots: [...(rawSite?.blindSpots ?? []), ...(rawGraph?.blindSpots ?? [])],
  };
  let account = rawSite?.account.accountId ?? "";
  let siteName = rawSite?.name ?? "";
  let connectionId = index?.connection.id ?? "";
  let pseudonyms: Pseudonyms | undefined;
  if (options.anonymise) {
    const mappingPath = join(privateDir, MAPPING_FILE);
    const mapping = existsSync(mappingPath)
      ? (JSON.parse(readFileSync(mappingPath, "utf8")) as MappingFile)
      : undefined;
    pseudonyms = new Pseudonyms(mapping);
    files = anonymiseCapture(files, pseudonyms);
    account = account ? pseudonyms.of("accountId", account) : "";
    siteName = siteName ? pseudonyms.of("site", siteName) : "";
    connectionId = files.index?.connection.id ?? "";
    mkdirSync(privateDir, { recursive: true });
    writeFileSync(mappingPath, `${JSON.stringify(pseudonyms.mapping, null, 1)}\n`, { mode: 0o600 });
  }

  const manifest: CaptureManifest = {
    format: "cgsim-capture",
    version: 1,
    anonymised: options.anonymise,
    blindSpots: files.blindSpots,
  };
  if (rawSite?.capturedAt && files.site) {
    const content = files.site.spaces.flatMap((s) => [
      ...flatten(s.pages ?? []),
      ...(s.blogposts ?? []).map(() => "blogpost"),
    ]);
    manifest.confluence = {
      capturedAt: rawSite.capturedAt,
      site: siteName,
      scope: rawSite.scope ?? { bodies: false },
      account,
      counts: {
        users: files.site.users.length,
        groups: files.site.groups.length,
        spaces: files.site.spaces.length,
        pages: content.filter((c) => c === "page").length,
        blogposts: content.filter((c) => c === "blogpost").length,
      },
    };
  }
  if (rawGraph?.capturedAt && files.index && files.directory) {
    manifest.graph = {
      capturedAt: rawGraph.capturedAt,
      connectionId,
      counts: {
        items: files.index.items.length,
        notIndexed: files.index.notIndexed.length,
        externalGroups: files.index.externalGroups.length,
        users: files.directory.users?.length ?? 0,
        groups: files.directory.groups?.length ?? 0,
      },
    };
  }

  const texts = new Map<string, string>();
  texts.set(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  if (files.site) texts.set(SITE_FILE, `${siteHeader(manifest)}${stringify(files.site, { lineWidth: 0 })}`);
  if (files.directory)
    texts.set(
      DIRECTORY_FILE,
      `# Captured by cgsim capture graph (${manifest.anonymised ? "anonymised" : "NOT anonymised"}); see capture.json\n${stringify(files.directory, { lineWidth: 0 })}`,
    );
  if (files.index) texts.set(INDEX_FILE, `${JSON.stringify(files.index, null, 1)}\n`);
  if (pseudonyms) {
    const found = leaks([manifest, files.site, files.directory, files.index], pseudonyms);
    if (found.length)
      throw new Error(
        `refusing to write an anonymised capture that still contains real values: ${[...new Set(found)].slice(0, 10).join(", ")}`,
      );
  }
  mkdirSync(out, { recursive: true });
  for (const [name, text] of texts) writeFileSync(join(out, name), text);
  return { manifest, files: [...texts.keys()] };
}

function flatten(pages: Array<{ children?: unknown[] }>): string[] {
  return pages.flatMap((p) => ["page", ...flatten((p.children ?? []) as Array<{ children?: unknown[] }>)]);
}

/** The site file's header: what this is and what the capture could not see (comments: the file loads unchanged). */
export function siteHeader(m: CaptureManifest): string {
  const c = m.confluence;
  const lines = [
    `Captured by cgsim capture confluence${c ? ` at ${c.capturedAt} from site ${c.site} as account ${c.account}` : ""}.`,
    m.anonymised
      ? "Anonymised: names, emails, titles, labels, keys and identifiers are pseudonyms; the mapping stayed with the customer."
      : "NOT ANONYMISED: contains the customer's real names, emails and titles. Do not share.",
    `Could not see (${m.blindSpots.length}; all of them in capture.json):`,
    ...m.blindSpots.slice(0, 20).map((b) => `  - ${b.kind}${b.subject ? ` ${b.subject}` : ""}: ${b.detail}`),
    ...(m.blindSpots.length > 20 ? [`  … ${m.blindSpots.length - 20} more`] : []),
  ];
  return `${lines.map((l) => `# ${l}`.trimEnd()).join("\n")}\n`;
}
