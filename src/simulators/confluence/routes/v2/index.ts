import type { ConfluenceRoute } from "../../context.ts";

/** Every v2 operation the twin serves. */
export function v2Routes(): ConfluenceRoute[] {
  return [];
}
