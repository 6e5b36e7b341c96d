import type { Directory } from "../../simulators/directory/store.ts";
import type { GraphTwin } from "../../simulators/graph/twin.ts";
import type { SimClock } from "../../simulators/host/clock.ts";
import { parseDuration } from "../../simulators/host/clock.ts";
import type { FaultPlanSpec, FaultRule } from "../../simulators/host/faults.ts";
import type { DirectoryChange, FaultsStep, GraphChange, Step } from "../schema.ts";

/** Applies one Entra directory change. */
export function applyDirectoryChange(directory: Directory, change: DirectoryChange): string {
  if (change.addUser) return `added ${directory.addUser(change.addUser).userPrincipalName}`;
  if (change.removeUser !== undefined) {
    directory.removeUser(change.removeUser);
    return `removed ${change.removeUser}`;
  }
  if (change.updateUser) {
    const { upn, enabled, ...rest } = change.updateUser;
    directory.updateUser(upn, { ...rest, ...(enabled === undefined ? {} : { accountEnabled: enabled }) });
    return `updated ${upn}`;
  }
  if (change.addGroup) return `added group ${directory.addGroup(change.addGroup).displayName}`;
  if (change.removeGroup !== undefined) {
    directory.removeGroup(change.removeGroup);
    return `removed group ${change.removeGroup}`;
  }
  if (change.addMember) {
    directory.addMember(change.addMember.group, change.addMember.member);
    return `${change.addMember.member} joined ${change.addMember.group}`;
  }
  if (change.removeMember) {
    directory.removeMember(change.removeMember.group, change.removeMember.member);
    return `${change.removeMember.member} left ${change.removeMember.group}`;
  }
  throw new Error("empty directory change");
}

/** Applies one Graph-side change to the scenario's connection. */
export function applyGraphChange(graph: GraphTwin, connectionId: string, change: GraphChange): string {
  if (change.quota) {
    const { perConnection, perTenant, items } = change.quota;
    graph.setQuota({ perConnection, perTenant });
    if (items !== undefined) graph.setQuota({ connectionId, items });
    return "quota changed";
  }
  if (change.obsolete !== undefined) {
    graph.makeObsolete(connectionId, change.obsolete);
    return `connection ${connectionId} ${change.obsolete ? "obsolete" : "restored"}`;
  }
  throw new Error("empty Graph change");
}

export function applyClock(clock: SimClock, step: NonNullable<Step["clock"]>): string {
  if ("advance" in step) clock.advance(parseDuration(step.advance));
  else clock.set(step.set);
  return `clock at ${clock.iso()}`;
}

/** A faults step as a host fault plan; the scenario seed seeds it unless the step has its own. */
export function faultPlanOf(step: FaultsStep, seed: number): FaultPlanSpec {
  if (step === "clear") return { seed, rules: [] };
  if ("rules" in step && Array.isArray(step.rules)) return { seed: step.seed ?? seed, rules: step.rules };
  const rules: FaultRule[] = [];
  const byService = step as Record<string, FaultRule | FaultRule[] | number | undefined>;
  for (const [service, value] of Object.entries(byService)) {
    if (service === "seed" || value === undefined || typeof value === "number") continue;
    for (const rule of Array.isArray(value) ? value : [value]) rules.push({ ...rule, service });
  }
  return { seed: (step as { seed?: number }).seed ?? seed, rules };
}
