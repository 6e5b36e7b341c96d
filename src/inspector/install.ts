import type { World } from "../simulators/world.ts";
import { installOracleEndpoints } from "./oracle.ts";
import { installInspectorUi } from "./ui-files.ts";

/**
 * The live inspector on a world's host: the oracle endpoints (`/_sim/oracle/…`) and the web UI
 * (`/_sim/ui/`). It reads everything else through the admin API every world has (journal,
 * events, `/_sim/confluence/…`, `/_sim/graph/…`, faults, clock, reset).
 */
export function installInspector(world: World): void {
  installOracleEndpoints(world);
  installInspectorUi(world.host);
}
