import type { ConfluenceRoute } from "../../context.ts";
import { BLOGPOST_KIND, contentRoutes } from "./content-routes.ts";

/** Blog posts: the shared content routes (no tree; status default `current`). */
export function blogPostRoutes(): ConfluenceRoute[] {
  return contentRoutes(BLOGPOST_KIND);
}
