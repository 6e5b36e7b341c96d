import { createHash } from "node:crypto";
import type { Connections } from "./connections.ts";
import { GraphError } from "./errors.ts";
import type { ConnectionOperation, ExternalConnection, Schema } from "./model.ts";
import { validateSchemaUpdate } from "./schema-rules.ts";

export type OperationStatus = "inprogress" | "completed" | "failed";

/**
 * Schema registration: a PATCH/POST is checked at once, then provisions asynchronously on the
 * SimClock as an operation the client polls; the connection leaves `draft` when it completes.
 */
export class SchemaOperations {
  #opSeq = 0;
  #failNext = new Map<string, string>();

  constructor(readonly connections: Connections) {}

  reset(): void {
    this.#opSeq = 0;
    this.#failNext.clear();
  }

  /** Registers (draft) or updates (ready) the schema; `schema` is already parsed by the route. */
  submit(conn: ExternalConnection, schema: Schema): ConnectionOperation {
    this.connections.settle(conn); // a finished operation makes this an update
    this.connections.assert(conn, conn.schema ? "updateSchema" : "createSchema");
    if (conn.schema) validateSchemaUpdate(conn.schema, schema);
    const { store } = this.connections;
    this.#opSeq += 1;
    const h = createHash("sha256").update(`${conn.id}:${this.#opSeq}`).digest("hex").toUpperCase();
    const operation: ConnectionOperation = {
      id: `1.neu.${h.slice(0, 32)}.${h.slice(32, 64)}`,
      connectionId: conn.id,
      kind: "schema",
      completesAt: store.clock.now() + store.schemaProvisioningMs,
      failWith: this.#failNext.get(conn.id),
      schema,
      applied: false,
    };
    this.#failNext.delete(conn.id);
    conn.operations.set(operation.id, operation);
    conn.submittedSchema = schema;
    this.connections.settle(conn);
    return operation;
  }

  /** The schema GET shows: the active one, or the one still provisioning (observed). */
  visible(conn: ExternalConnection): Schema | null {
    this.connections.settle(conn);
    return conn.schema ?? conn.submittedSchema;
  }

  /**
   * GET schema: what the operation table allows, except that a draft connection shows the schema
   * it is still provisioning (observed), and a connection that never had a schema answers 404 —
   * connector code creates the schema only on 404 (docs/fidelity/graph.md).
   */
  read(conn: ExternalConnection): Schema {
    const schema = this.visible(conn);
    if (!schema) {
      throw new GraphError(404, "itemNotFound", `The connection '${conn.id}' has no schema yet.`, {
        code: "SchemaNotFound",
        message: `Register a schema with PATCH /external/connections/${conn.id}/schema.`,
      });
    }
    const state = this.connections.stateOf(conn);
    if (state === "draft" && conn.submittedSchema) return conn.submittedSchema;
    this.connections.assert(conn, "readSchema");
    return schema;
  }

  /** DELETE schema: the operation table allows it in no state (answered 404, observed). */
  delete(conn: ExternalConnection): void {
    this.connections.assert(conn, "deleteSchema");
  }

  operation(conn: ExternalConnection, id: string): ConnectionOperation {
    const op = conn.operations.get(id);
    if (!op) {
      throw new GraphError(404, "itemNotFound", `Operation '${id}' was not found.`, {
        code: "OperationNotFound",
        message: `No operation '${id}' on connection '${conn.id}'.`,
      });
    }
    return op;
  }

  status(conn: ExternalConnection, op: ConnectionOperation): OperationStatus {
    this.connections.settle(conn);
    if (!op.applied) return "inprogress";
    return op.failWith ? "failed" : "completed";
  }

  /** Scenario hook: the next schema operation of this connection ends `failed`. */
  failNext(connectionId: string, message = "Server error, something went wrong"): void {
    this.#failNext.set(connectionId, message);
  }
}
