import type { ConfluenceRoute } from "../../context.ts";
import { blogPostRoutes } from "./blogposts.ts";
import { labelRoutes } from "./labels.ts";
import { pageRoutes } from "./pages.ts";
import { spaceRoutes } from "./spaces.ts";
import { userRoutes } from "./users.ts";

/** Every v2 operation the twin serves. */
export function v2Routes(): ConfluenceRoute[] {
  return [...spaceRoutes(), ...pageRoutes(), ...blogPostRoutes(), ...labelRoutes(), ...userRoutes()];
}
