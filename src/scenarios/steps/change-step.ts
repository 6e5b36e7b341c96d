import { located } from "../references.ts";
import { kindOf, list, many, oneOf, schemasOf } from "../schema-parts.ts";
import { type ChangeModule, defineStep } from "./step-module.ts";

/**
 * A step made of one change or a list of them (`confluence`, `directory`, `graph`), each an
 * exactly-one-key object whose key names its module. Changes apply in order; the summary joins
 * what each did, and permission changes are recorded for the parity oracle.
 */
export function changeStep<T extends Record<string, ChangeModule>>(options: {
  /** The step's key, the prefix of its summary. */
  name: string;
  /** For the one-key rule's message: "a Confluence change has exactly one of: …". */
  what: string;
  /** The change's name in the JSON Schema's $defs. */
  id: string;
  changes: T;
  /** How a permission change of this step is worded for the oracle (default: as summarised). */
  permissionNote?: (done: string) => string;
}) {
  const change = oneOf(schemasOf(options.changes), options.what);
  const modules: Record<string, ChangeModule> = options.changes;
  const note = options.permissionNote ?? ((done: string) => done);
  return defineStep({
    schema: many(change, options.id),
    references(value, scope, path) {
      for (const [c, p] of located(value, path)) {
        const kind = kindOf(c);
        const change = c as Record<string, unknown>;
        change[kind] = modules[kind].references?.(change[kind], scope, [...p, kind]) ?? change[kind];
      }
    },
    async run(ctx, value, index) {
      const done: string[] = [];
      const failures: string[] = [];
      for (const c of list(value)) {
        const kind = kindOf(c);
        const module = modules[kind];
        const applied = await module.apply(ctx, (c as Record<string, unknown>)[kind]);
        const outcome = typeof applied === "string" ? { summary: applied, failures: [] } : applied;
        if (module.changesPermissions)
          ctx.permissionChanges.push({ step: index, description: note(outcome.summary) });
        done.push(outcome.summary);
        failures.push(...outcome.failures);
      }
      return { summary: `${options.name}: ${done.join("; ")}`, failures };
    },
  });
}
