import { z } from "zod";
import { changeStep } from "./change-step.ts";
import { request } from "./graph-request.ts";
import { type ChangeModule, defineChange } from "./step-module.ts";

/** The `graph` step: Graph-side changes to the scenario's connection, and raw Graph calls. */

type GraphChangeKind = "quota" | "obsolete" | "request";

const GRAPH_CHANGES = {
  quota: defineChange({
    schema: z
      .object({
        perConnection: z.number().int().min(0).optional(),
        perTenant: z.number().int().min(0).optional(),
        items: z.number().int().min(0).optional().describe("This connection's own item limit"),
      })
      .strict(),
    apply({ world, connectionId }, { perConnection, perTenant, items }) {
      world.graph.setQuota({ perConnection, perTenant });
      if (items !== undefined) world.graph.setQuota({ connectionId, items });
      return "quota changed";
    },
  }),
  obsolete: defineChange({
    schema: z.boolean().describe("Mark the connection obsolete (true) or restore it (false)"),
    apply({ world, connectionId }, obsolete) {
      world.graph.makeObsolete(connectionId, obsolete);
      return `connection ${connectionId} ${obsolete ? "obsolete" : "restored"}`;
    },
  }),
  request,
} satisfies Record<GraphChangeKind, ChangeModule>;

export const graphStep = changeStep({
  name: "graph",
  what: "Graph change",
  id: "GraphChange",
  changes: GRAPH_CHANGES,
});
