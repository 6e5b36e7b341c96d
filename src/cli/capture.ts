import { isAbsolute, relative } from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import type { CaptureResult, CommonOptions, captureConfluenceCommand } from "../capture/commands.ts";
import type { StateFile } from "../capture/state.ts";
import { UsageError } from "./errors.ts";

interface SharedFlags {
  out: string;
  private?: string;
  /** commander's `--no-anonymise` */
  anonymise: boolean;
  restart?: boolean;
  bodies?: boolean;
}

interface ConfluenceFlags extends SharedFlags {
  site: string;
  email?: string;
  spaces?: string;
  cql?: string;
  cloudId?: string;
  gatewayUrl?: string;
  productAccessGroups?: string;
  userEmails?: string;
}

interface GraphFlags extends SharedFlags {
  tenant: string;
  clientId: string;
  connection: string;
  graphUrl?: string;
  loginUrl?: string;
  allUsers?: boolean;
  itemId?: string;
}

const list = (v?: string) =>
  v
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function env(name: string): string | undefined {
  const v = process.env[name];
  return v && v.trim() !== "" ? v : undefined;
}

/** Ctrl-C saves the resume state and says how to go on. */
function common(flags: SharedFlags): CommonOptions {
  let state: StateFile<unknown> | undefined;
  process.once("SIGINT", () => {
    state?.flush();
    process.stderr.write(
      `\n${pc.yellow("interrupted")}: progress saved in ${state?.path ?? "the private directory"}; run the same command again to resume\n`,
    );
    process.exit(130);
  });
  return {
    out: flags.out,
    privateDir: flags.private,
    anonymise: flags.anonymise,
    restart: flags.restart,
    bodies: flags.bodies,
    log: (line) => process.stderr.write(`${pc.dim(line)}\n`),
    onState: (s) => {
      state = s;
    },
  };
}

/** The capture modules, loaded when a capture command runs (not at every command's start-up). */
const captureModules = () => Promise.all([import("../capture/commands.ts"), import("../capture/output.ts")]);

async function report(what: string, flags: SharedFlags, result: CaptureResult): Promise<void> {
  const [, { MAPPING_FILE, privateDirFor }] = await captureModules();
  const m = result.manifest;
  const absolute = flags.private ?? privateDirFor(flags.out);
  const rel = relative(process.cwd(), absolute);
  const privateDir = rel.startsWith("..") || isAbsolute(rel) ? absolute : rel;
  const lines = [
    `${pc.green("captured")} ${what} into ${flags.out} (${result.files.join(", ")}); ${result.requests} requests, ${result.retries} retries${result.waitedMs ? `, waited ${(result.waitedMs / 1000).toFixed(0)} s` : ""}`,
    m.anonymised
      ? `anonymised: share ${flags.out}; the mapping ${privateDir}/${MAPPING_FILE} stays with you`
      : pc.yellow(`NOT anonymised: ${flags.out} holds real names, emails and titles`),
  ];
  if (m.blindSpots.length) {
    lines.push(
      pc.yellow(`could not see ${m.blindSpots.length} thing(s) (all in ${flags.out}/capture.json):`),
    );
    for (const b of m.blindSpots.slice(0, 15))
      lines.push(`  - ${b.kind}${b.subject ? ` ${b.subject}` : ""}: ${b.detail}`);
    if (m.blindSpots.length > 15) lines.push(`  … ${m.blindSpots.length - 15} more`);
  }
  process.stderr.write(`${lines.join("\n")}\n`);
}

export function registerCapture(program: Command): void {
  const capture = program
    .command("capture")
    .description(
      "read a real Confluence site and Graph index (read-only) into a replayable, anonymised capture directory",
    );

  const shared = (cmd: Command) =>
    cmd
      .requiredOption("--out <dir>", "capture directory to write (shareable when anonymised)")
      .option(
        "--private <dir>",
        "where resume state and the pseudonym mapping go (default: <out>.private, never inside <out>)",
      )
      .option("--no-anonymise", "write real names, emails and titles (the capture is then NOT shareable)")
      .option("--restart", "forget an unfinished capture and start over")
      .option("--bodies", "keep page bodies / item content (replaced by same-length filler when anonymised)");

  shared(
    capture
      .command("confluence")
      .description(
        "Confluence Cloud site → site.yaml (GET only). Credentials: CONFLUENCE_API_TOKEN (Basic, with --email) or CONFLUENCE_OAUTH_TOKEN (OAuth 3LO bearer)",
      )
      .requiredOption("--site <url>", "https://NAME.atlassian.net (or a proxy standing in for it)")
      .option("--email <email>", "Basic auth: the account's email (token in CONFLUENCE_API_TOKEN)")
      .option("--spaces <keys>", "comma-separated space keys (default: every space the account sees)")
      .option("--cql <query>", "only content this CQL matches, plus its ancestors")
      .option("--cloud-id <id>", "OAuth: the site's cloudId (default: from accessible-resources)")
      .option("--gateway-url <url>", "OAuth: the API gateway (default https://api.atlassian.com)")
      .option(
        "--product-access-groups <names>",
        "groups that grant Confluence product access (default: confluence-users*)",
      )
      .option(
        "--user-emails <csv>",
        "the organisation's user export (account id, email) for emails hidden by profile visibility",
      ),
  ).action(async (flags: ConfluenceFlags) => {
    const [{ captureConfluenceCommand, readUserEmails }] = await captureModules();
    const token = env("CONFLUENCE_API_TOKEN");
    const bearer = env("CONFLUENCE_OAUTH_TOKEN");
    let auth: Parameters<typeof captureConfluenceCommand>[0]["auth"];
    if (bearer)
      auth = { type: "bearer", token: bearer, cloudId: flags.cloudId, gatewayUrl: flags.gatewayUrl };
    else if (token && flags.email) auth = { type: "basic", email: flags.email, apiToken: token };
    else
      throw new UsageError(
        "set CONFLUENCE_API_TOKEN and pass --email (Basic), or set CONFLUENCE_OAUTH_TOKEN (OAuth 3LO)",
      );
    const result = await captureConfluenceCommand({
      ...common(flags),
      site: flags.site,
      auth,
      spaces: list(flags.spaces),
      cql: flags.cql,
      productAccessGroups: list(flags.productAccessGroups),
      userEmails: flags.userEmails ? readUserEmails(flags.userEmails) : undefined,
    });
    await report("the Confluence site", flags, result);
  });

  shared(
    capture
      .command("graph")
      .description(
        "the connector's Graph connection → index.json + directory.yaml (GET only, after capture confluence). Secret: GRAPH_CLIENT_SECRET",
      )
      .requiredOption("--tenant <id>", "Entra tenant id or domain")
      .requiredOption(
        "--client-id <id>",
        "the connector app's client id (ExternalItem.Read.All, ExternalConnection.Read.All, User.Read.All, GroupMember.Read.All)",
      )
      .requiredOption("--connection <id>", "the Graph connection id")
      .option("--graph-url <url>", "Graph base (default https://graph.microsoft.com/v1.0)")
      .option("--login-url <url>", "token endpoint origin (default https://login.microsoftonline.com)")
      .option("--all-users", "capture every tenant user, not only those the site's emails and the ACLs name")
      .option("--item-id <template>", "Graph item id of a page, {id} = Confluence content id (default {id})"),
  ).action(async (flags: GraphFlags) => {
    const secret = env("GRAPH_CLIENT_SECRET");
    if (!secret) throw new UsageError("set GRAPH_CLIENT_SECRET to the connector app's client secret");
    const [{ captureGraphCommand }] = await captureModules();
    const result = await captureGraphCommand({
      ...common(flags),
      tenant: flags.tenant,
      clientId: flags.clientId,
      clientSecret: secret,
      connectionId: flags.connection,
      graphUrl: flags.graphUrl,
      loginUrl: flags.loginUrl,
      allUsers: flags.allUsers,
      itemIdTemplate: flags.itemId,
    });
    await report("the Graph index", flags, result);
  });
}
