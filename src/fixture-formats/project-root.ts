import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The repository (or installed package) root, where fixtures/ and templates/ live, independent of
 * the working directory. Its own module, so that code needing only the root loads no schema.
 * Two folders up from src/fixture-formats, dist/fixture-formats and the CLI bundle in dist/cli-bundle.
 */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
