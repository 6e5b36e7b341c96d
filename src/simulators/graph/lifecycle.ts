import { GraphError } from "./errors.ts";
import type { ConnectionState } from "./model.ts";

/**
 * The connection state machine and the operation table of "Create, update, and delete connections
 * in Microsoft Graph" ([G-CONN], docs/customer-bug-catalog.md). The twin checks it in one place,
 * `Connections.assert` (connections.ts), before every connection, schema and item operation.
 *
 *   draft ──schema operation completes──▶ ready ◀──under quota── limitExceeded
 *   any ──scenario `makeObsolete`──▶ obsolete (only read and delete remain)
 */
export type ConnectionOperationName =
  | "createConnection"
  | "readConnection"
  | "updateConnection"
  | "deleteConnection"
  | "createSchema"
  | "readSchema"
  | "updateSchema"
  | "deleteSchema"
  | "createItem"
  | "readItem"
  | "updateItem"
  | "deleteItem";

const T = true;
const F = false;

/** Columns: draft, ready, obsolete, limitExceeded — exactly the seed's ✔️ cells. */
export const OPERATION_TABLE: Record<ConnectionOperationName, Record<ConnectionState, boolean>> = {
  createConnection: { draft: F, ready: T, obsolete: F, limitExceeded: T },
  readConnection: { draft: T, ready: T, obsolete: T, limitExceeded: T },
  updateConnection: { draft: T, ready: T, obsolete: F, limitExceeded: T },
  deleteConnection: { draft: T, ready: T, obsolete: T, limitExceeded: T },
  createSchema: { draft: T, ready: F, obsolete: F, limitExceeded: F },
  readSchema: { draft: F, ready: T, obsolete: T, limitExceeded: T },
  updateSchema: { draft: F, ready: T, obsolete: F, limitExceeded: F },
  deleteSchema: { draft: F, ready: F, obsolete: F, limitExceeded: F },
  createItem: { draft: F, ready: T, obsolete: F, limitExceeded: F },
  readItem: { draft: F, ready: T, obsolete: T, limitExceeded: T },
  updateItem: { draft: F, ready: T, obsolete: F, limitExceeded: T },
  deleteItem: { draft: F, ready: T, obsolete: F, limitExceeded: T },
};

export function isAllowed(op: ConnectionOperationName, state: ConnectionState): boolean {
  return OPERATION_TABLE[op][state];
}

/**
 * New items refused over a quota. The message names which quota was hit (the connection's or the
 * tenant's) so a connector can report 1009 or 1008; the exact wording is a guess.
 */
export function quotaRefusal(connectionId: string, scope: "connection" | "tenant"): GraphError {
  const what = scope === "tenant" ? "The tenant item quota" : "The connection item quota";
  return new GraphError(403, "quotaLimitReached", `${what} has been reached; no new items can be added.`, {
    code: scope === "tenant" ? "TenantItemQuotaExceeded" : "ItemQuotaExceeded",
    message:
      scope === "tenant"
        ? `The tenant's item quota is used up (connection '${connectionId}'). Delete items in any connection to get back under it.`
        : `Connection '${connectionId}' is in state 'limitExceeded'. Delete items to get back under the quota; updates and deletes are still allowed.`,
  });
}

/**
 * The refusal for an operation the table forbids. Status and codes are inferred (the docs give
 * the table, not the wire answer): item quota → 403 `quotaLimitReached`; anything else → 400
 * `InvalidRequest` with inner `OperationNotAllowedInState`; delete schema → 404 `UnknownError`
 * (observed, msgraph-metadata#438).
 */
export function refusal(
  op: ConnectionOperationName,
  state: ConnectionState,
  connectionId: string,
): GraphError {
  if (op === "deleteSchema") return new GraphError(404, "UnknownError", "");
  if (state === "limitExceeded" && op === "createItem") {
    return quotaRefusal(connectionId, "connection");
  }
  const why =
    state === "draft"
      ? "Register a schema and wait for its operation to complete first."
      : state === "obsolete"
        ? "The connection is obsolete; deleting it is the only valid operation."
        : state === "ready" && op === "createSchema"
          ? "The schema is already registered; PATCH it to update."
          : "";
  return new GraphError(400, "InvalidRequest", "The request is malformed or incorrect.", {
    code: "OperationNotAllowedInState",
    message:
      `Operation '${op}' is not allowed while connection '${connectionId}' is in state '${state}'. ${why}`.trim(),
  });
}

export function assertAllowed(
  op: ConnectionOperationName,
  state: ConnectionState,
  connectionId: string,
): void {
  if (!isAllowed(op, state)) throw refusal(op, state, connectionId);
}
