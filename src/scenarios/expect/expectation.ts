import type { z } from "zod";
import type { ExternalConnection, ExternalItem } from "../../simulators/graph/model.ts";
import type { RunContext } from "../context.ts";
import type { Path, ReferenceScope } from "../references.ts";
import type { Resolved } from "../steps/step-module.ts";

/**
 * The shape of every key of an `expect` step: its zod schema, its load-time reference check and
 * its check, in the module named after it (registered in expect/registry.ts).
 */
export interface ExpectationModule<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  references?(value: z.output<S>, scope: ReferenceScope, path: Path): Resolved<z.output<S>>;
  /** One message per broken expectation; none when it holds. */
  check(ctx: RunContext, want: z.output<S>): string[] | Promise<string[]>;
}

export const defineExpectation = <S extends z.ZodType>(module: ExpectationModule<S>): ExpectationModule<S> =>
  module;

/** The scenario's Graph connection; when it does not exist, says so in `failures` for `what`. */
export function connectionFor(
  ctx: RunContext,
  what: string,
  failures: string[],
): ExternalConnection | undefined {
  const conn = ctx.world.graph.connection(ctx.connectionId);
  if (!conn) failures.push(`${what}: connection ${ctx.connectionId} does not exist (has a crawl run?)`);
  return conn;
}

/**
 * Checks each wanted entry against its indexed item, in order; a missing connection or item is a
 * failure of `what` (`acl 1001: not in the index`).
 */
export function checkIndexedItems<W>(
  ctx: RunContext,
  what: string,
  wants: W[],
  idOf: (want: W) => string,
  check: (want: W, item: ExternalItem) => string[],
): string[] {
  const failures: string[] = [];
  const conn = wants.length ? connectionFor(ctx, what, failures) : undefined;
  for (const want of conn ? wants : []) {
    const item = conn?.items.get(idOf(want));
    if (item) failures.push(...check(want, item));
    else failures.push(`${what} ${idOf(want)}: not in the index`);
  }
  return failures;
}

export const show = (xs: Iterable<string>) => `[${[...xs].join(", ")}]`;

/** Lines indented under a failure message. */
export function indent(lines: string[] | string): string {
  const arr = typeof lines === "string" ? lines.split("\n") : lines;
  return arr.map((l) => `    ${l}`).join("\n");
}
