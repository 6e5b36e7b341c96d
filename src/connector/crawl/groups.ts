import type { AclPlanner } from "../acl.ts";
import { CODE } from "../errors.ts";
import type { GraphClient } from "../graph/client.ts";
import { hashOf } from "../items.ts";
import type { PrincipalSet } from "../model.ts";
import type { Audience } from "../permissions.ts";
import type { Identities } from "./identities.ts";
import type { CrawlRecorder } from "./recorder.ts";

export interface GroupSyncDeps {
  graph: GraphClient;
  planner: AclPlanner;
  /** The ledger's external groups: id → member ids as last written (updated here). */
  written: Record<string, string[]>;
  /** Largest external group Graph indexes. */
  maxMembers: number;
  identities: Identities;
  recorder: CrawlRecorder;
}

/**
 * Keeps Graph's external groups equal to what the planner computed: creates the new ones and
 * adds or removes the difference to what the ledger says was written. Deleting groups no ACL uses
 * any more is the deletion rule's job (deletions.ts).
 */
export class GroupSync {
  readonly #synced = new Set<string>();

  constructor(private readonly deps: GroupSyncDeps) {}

  /** Writes every planned group not written by this crawl yet. */
  async sync(): Promise<void> {
    const { graph, planner, written, maxMembers, recorder } = this.deps;
    const pending = [...planner.groups.values()].filter((g) => !this.#synced.has(g.id));
    await Promise.all(
      pending.map(async (g) => {
        this.#synced.add(g.id);
        const before = written[g.id];
        let members = g.members;
        if (members.length > maxMembers) {
          // Graph does not index external groups this large (2008): write it empty so it grants
          // nobody, rather than a silently truncated member list.
          recorder.error({
            itemId: `group:${g.id}`,
            code: CODE.groupTooLarge,
            message: `[2008] ${g.displayName} has ${members.length} members (limit ${maxMembers}); it grants nobody`,
          });
          members = [];
        }
        if (before && hashOf(before) === hashOf(members)) return;
        if (!before) await graph.ensureGroup(g.id, g.displayName, g.description);
        const had = new Set(before ?? []);
        const want = new Set(members);
        await Promise.all([
          ...members.filter((m) => !had.has(m)).map((m) => graph.addMember(g.id, m)),
          ...[...had].filter((m) => !want.has(m)).map((m) => graph.removeMember(g.id, m)),
        ]);
        written[g.id] = members;
        recorder.groupWritten();
      }),
    );
  }

  /**
   * Groups written before a resume (by spaces the checkpoint skips) that this crawl has not
   * planned: their definitions are planned again so their members are brought up to date.
   */
  async resync(definitions: Record<string, PrincipalSet[]>): Promise<void> {
    const { planner, identities } = this.deps;
    const earlier = Object.entries(definitions).filter(([id]) => !planner.groups.has(id));
    if (earlier.length === 0) return;
    const audiences: Audience[] = earlier.map(([, sets]) =>
      sets.length === 1 ? { kind: "union", set: sets[0] } : { kind: "intersection", sets },
    );
    await identities.resolve(audiences);
    for (const a of audiences) planner.resolve(a);
    await this.sync();
  }
}
