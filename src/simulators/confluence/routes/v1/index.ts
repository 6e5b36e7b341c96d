import type { ConfluenceRoute } from "../../context.ts";
import { cqlRoutes } from "../../cql/routes.ts";
import { legacyContentRoutes } from "./content.ts";
import { groupRoutes } from "./groups.ts";
import { legacyListRoutes } from "./legacy-lists.ts";
import { permissionCheckRoutes } from "./permission-check.ts";
import { restrictionRoutes } from "./restrictions.ts";
import { userRoutes } from "./users.ts";

/** Every v1 operation the twin serves (paths relative to `/wiki`). */
export function v1Routes(): ConfluenceRoute[] {
  return [
    ...restrictionRoutes(),
    ...permissionCheckRoutes(),
    ...groupRoutes(),
    ...userRoutes(),
    ...legacyContentRoutes(),
    ...legacyListRoutes(),
    // CQL search (/search, /content/search): handlers owned by cql/.
    ...cqlRoutes(),
  ];
}
