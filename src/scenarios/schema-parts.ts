import { z } from "zod";
import { parseDuration } from "../simulators/host/clock.ts";

/** Building blocks of the scenario file format, shared by the step and expectation modules. */

/** An object that must carry exactly one of its keys (a tagged step or change). */
export function oneOf<T extends z.ZodRawShape>(shape: T, what: string) {
  const keys = Object.keys(shape);
  return z
    .object(shape)
    .partial()
    .strict()
    .refine((o) => Object.keys(o).length === 1, {
      message: `a ${what} has exactly one of: ${keys.join(", ")}`,
    })
    .meta({ minProperties: 1, maxProperties: 1 });
}

/** One item or a list of them. With an id the item is emitted once in the JSON Schema's $defs. */
export const many = <T extends z.ZodType>(item: T, id?: string) => {
  const one = id ? item.meta({ id }) : item;
  return z.union([one, z.array(one)]);
};

/** A value written as one item or a list (`many`), as a list. */
export const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The `schema` of every module in a registry, under the same keys (and in the same order). */
export function schemasOf<T extends Record<string, { schema: z.ZodType }>>(
  modules: T,
): { [K in keyof T]: T[K]["schema"] } {
  return Object.fromEntries(Object.entries(modules).map(([key, m]) => [key, m.schema])) as {
    [K in keyof T]: T[K]["schema"];
  };
}

/** The one key of an exactly-one-key object (a step or a change, validated by `oneOf`). */
export const kindOf = <K extends string>(tagged: Partial<Record<K, unknown>>): K =>
  Object.keys(tagged)[0] as K;

export const duration = z
  .union([z.string(), z.number().int().min(0)])
  .superRefine((d, ctx) => {
    try {
      parseDuration(d);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  })
  .describe("Duration: 500ms, 30s, 5m, 1h30m, 2d, or milliseconds");

/** Node's timers fire at once when asked to wait longer than 2^31 − 1 ms (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A real-time limit: a duration node's timers can wait for. */
export const realTimeLimit = duration.refine(
  (d) => parseDuration(d) <= MAX_TIMER_MS,
  "a real-time limit can be at most 24 days (2^31 - 1 ms)",
);

/** A Confluence content id (`1001`) — digits, written as a number or a string. */
export const contentId = z
  .union([z.string().regex(/^\d+$/, "content ids are digits"), z.number().int().positive()])
  .transform(String);

export const ids = z.array(contentId);

/** `user:alice`, `group:eng`, `anonymous`, or a bare user/group name of the site file. */
export const principal = z.string().min(1);
