import type { ConfluenceRoute } from "../../context.ts";

/** Every v1 operation the twin serves. */
export function v1Routes(): ConfluenceRoute[] {
  return [];
}
