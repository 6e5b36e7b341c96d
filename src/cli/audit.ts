import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { AuditOptions } from "../capture/audit.ts";
import { parseIntOption } from "./errors.ts";

interface AuditFlags {
  policy?: "confluence" | "documented";
  connector?: string;
  json?: string;
  html?: string;
  matrixUsers?: number;
  matrixItems?: number;
}

export function registerAudit(program: Command): void {
  program
    .command("audit")
    .description(
      "parity oracle on a capture: over- and under-exposed user × item pairs with explain chains; exit 1 when any is undocumented",
    )
    .argument("<capture>", "capture directory (cgsim capture)")
    .option(
      "--policy <name>",
      "the connector's permission rules: confluence | documented (Microsoft's connector)",
    )
    .option(
      "--connector <file>",
      "YAML with the connector settings, as a scenario's connector: block (permissions, identity, cql …)",
    )
    .option("--json <file>", "write the findings as JSON")
    .option("--html <dir>", "write report.html with the users × items matrix")
    .option("--matrix-users <n>", "users shown in the matrix (default 30)", parseIntOption("--matrix-users"))
    .option("--matrix-items <n>", "items shown in the matrix (default 60)", parseIntOption("--matrix-items"))
    .action(async (dir: string, flags: AuditFlags) => {
      // Loaded when the command runs: the other commands' start-up never pays for them.
      const [{ parse }, { auditCapture, auditText }, { htmlReport }] = await Promise.all([
        import("yaml"),
        import("../capture/audit.ts"),
        import("../scenarios/report/html.ts"),
      ]);
      const connector: NonNullable<AuditOptions["connector"]> = flags.connector
        ? (parse(readFileSync(flags.connector, "utf8")) ?? {})
        : {};
      if (flags.policy) {
        const permissions =
          typeof connector.permissions === "object"
            ? connector.permissions
            : { mode: connector.permissions ?? "onlyPeopleWithAccess" };
        connector.permissions = { ...permissions, policy: flags.policy };
      }
      const audit = await auditCapture(dir, {
        connector,
        matrix: { maxUsers: flags.matrixUsers, maxItems: flags.matrixItems },
      });
      process.stdout.write(auditText(audit));
      if (flags.json) {
        const { scenario: _s, ...rest } = audit;
        writeFileSync(flags.json, `${JSON.stringify(rest, null, 2)}\n`);
      }
      if (flags.html) {
        mkdirSync(flags.html, { recursive: true });
        writeFileSync(
          join(flags.html, "report.html"),
          htmlReport([audit.scenario], { generatedAt: new Date() }),
        );
      }
      if (audit.report.overExposed + audit.report.underExposed > 0) process.exitCode = 1;
    });
}
