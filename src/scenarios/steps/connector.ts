import { connectorSchema } from "../connector-settings.ts";
import { connectorFor } from "./built-in-connector.ts";
import { defineStep } from "./step-module.ts";

/** The `connector` step: an admin changes the built-in connector's settings between crawls. */
export const connectorStep = defineStep({
  schema: connectorSchema
    .omit({ command: true, via: true, env: true, timeout: true, clockRate: true, connectionId: true })
    .describe(
      "Change the built-in connector's settings from now on, as an admin would in the admin center (merged into the current ones; the crawl state — watermark, deletion ledger — is kept; auth/oauthScopes re-consent)",
    ),
  run(ctx, changed) {
    if (ctx.settings.command)
      throw new Error(
        "a connector step changes the built-in connector; this scenario runs an external command",
      );
    ctx.settings = { ...ctx.settings, ...changed };
    ctx.connector = connectorFor(ctx);
    return { summary: `connector settings: ${Object.keys(changed).join(", ")} changed`, failures: [] };
  },
});
