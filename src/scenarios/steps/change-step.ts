import type { RunContext } from "../context.ts";
import { located } from "../references.ts";
import { kindOf, list, many, oneOf, schemasOf } from "../schema-parts.ts";
import { type ChangeModule, defineStep, type StepOutcome } from "./step-module.ts";

/**
 * A step made of one change or a list of them (`confluence`, `directory`, `graph`), each an
 * exactly-one-key object whose key names its module. Changes apply in order; the summary joins
 * what each did, and permission changes are recorded for the parity oracle. `applyNow` applies the
 * same value synchronously (a crawl's `during:` hook, inside a request): only for changes that
 * return at once.
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
  type Value = Record<string, unknown>[];

  /** Applies one change; the permission change is recorded once it is done. */
  const applyOne = (ctx: RunContext, c: Record<string, unknown>, index: number, duringCrawl: boolean) => {
    const kind = kindOf(c);
    const module = modules[kind];
    const record = (applied: string | StepOutcome): StepOutcome => {
      const outcome = typeof applied === "string" ? { summary: applied, failures: [] } : applied;
      // Any change made while a crawl runs may leave that crawl's index stale, whatever it changes.
      if (module.changesPermissions || duringCrawl)
        ctx.permissionChanges.push({ step: index, description: note(outcome.summary), duringCrawl });
      return outcome;
    };
    const applied = module.apply(ctx, c[kind]);
    return applied instanceof Promise ? { later: applied.then(record) } : { now: record(applied) };
  };
  const summarise = (outcomes: StepOutcome[]): StepOutcome => ({
    summary: `${options.name}: ${outcomes.map((o) => o.summary).join("; ")}`,
    failures: outcomes.flatMap((o) => o.failures),
  });

  const step = defineStep({
    schema: many(change, options.id),
    references(value, scope, path) {
      for (const [c, p] of located(value, path)) {
        const kind = kindOf(c);
        const tagged = c as Record<string, unknown>;
        tagged[kind] = modules[kind].references?.(tagged[kind], scope, [...p, kind]) ?? tagged[kind];
      }
    },
    async run(ctx, value, index) {
      const outcomes: StepOutcome[] = [];
      for (const c of list(value) as Value) {
        const one = applyOne(ctx, c, index, false);
        outcomes.push(one.now ?? (await one.later));
      }
      return summarise(outcomes);
    },
  });
  return {
    ...step,
    /** Applies every change at once, inside the current call (a crawl's `during:` hook). */
    applyNow(ctx: RunContext, value: unknown, index: number): StepOutcome {
      const outcomes = (list(value) as Value).map((c) => {
        const one = applyOne(ctx, c, index, true);
        if (!one.now) {
          one.later?.catch(() => {});
          throw new Error(`${options.name}: ${kindOf(c)} cannot be applied during a crawl`);
        }
        return one.now;
      });
      return summarise(outcomes);
    },
  };
}
