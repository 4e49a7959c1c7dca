// `sqlfleet rebalance`: the move plan for an environment from a metrics snapshot, and `--write`: the placement
// edits in the customer stack files (comments and layout kept).
import { writeFileSync } from "node:fs";
import type YAML from "yaml";
import type { MetricsSnapshot } from "../placement/metrics";
import { planRebalance, type RebalancePlan } from "../placement/rebalance";
import { DATABASE_ROLES } from "./config/customer";
import type { EnvironmentConfig } from "./config/environment";
import { customerNames } from "./customer";
import { Fleet, PROJECT_ROOT } from "./fleet";
import { environmentPools, type FleetMember } from "./plan/decisions";

interface Owner {
  stack: string;
  role: string;
  maxSizeGb?: number;
}

/** Which stack and role own each database name (`<customer>-<role>`), from the fleet registry. */
export function databaseOwners(members: readonly FleetMember[]): Map<string, Owner> {
  const owners = new Map<string, Owner>();
  for (const m of members) {
    for (const role of DATABASE_ROLES) {
      const db = m.cfg[role];
      if (!db) continue;
      const name = customerNames("", "", m.cfg.customer).database(role);
      owners.set(name, { stack: m.stack, role, maxSizeGb: db.placement.tier === "pool" ? db.placement.maxSizeGb : undefined });
    }
  }
  return owners;
}

export function planEnvironmentRebalance(env: EnvironmentConfig, members: readonly FleetMember[], snapshot: MetricsSnapshot): RebalancePlan {
  const owners = databaseOwners(members);
  // Fill in owner stacks and max sizes the snapshot lacks, so moves respect per-database limits and can be written.
  const enriched: MetricsSnapshot = {
    ...snapshot,
    databases: snapshot.databases.map((d) => {
      const o = owners.get(d.name);
      return { ...d, stack: d.stack ?? o?.stack, maxSizeGb: d.maxSizeGb ?? o?.maxSizeGb };
    }),
  };
  return planRebalance(environmentPools(env), enriched, { fillTarget: env.placement.fillTarget, spread: env.placement.spread });
}

/**
 * Applies the moves to the customer stack files; returns the files changed. Refuses moves it cannot attribute.
 * Edits a copy of each file's YAML document the command's Fleet already parsed (comments and layout kept; no re-read).
 */
export function writeMoves(plan: RebalancePlan, members: readonly FleetMember[], fleet: Fleet | string = PROJECT_ROOT): string[] {
  const model = typeof fleet === "string" ? new Fleet(fleet) : fleet;
  const owners = databaseOwners(members);
  const edits: { file: string; role: string; to: string }[] = [];
  for (const m of plan.moves) {
    const o = owners.get(m.database);
    if (!o || (m.stack && m.stack !== o.stack)) throw new Error(`rebalance --write: database ${m.database} belongs to no committed customer stack (metrics say ${m.stack ?? "nothing"}); nothing written`);
    edits.push({ file: model.stackFile(o.stack), role: o.role, to: m.to });
  }
  // All files are parsed and edited first, then written: a failure leaves every file as it was.
  const docs = new Map<string, YAML.Document>();
  for (const e of edits) {
    const doc = docs.get(e.file) ?? model.load(e.file).document.clone();
    const path = ["config", `sqlfleet:${e.role}`, "placement", "pool"];
    if (!doc.hasIn(path)) throw new Error(`rebalance --write: ${e.file} has no ${path.slice(1).join(".")}; nothing written`);
    doc.setIn(path, e.to);
    docs.set(e.file, doc);
  }
  for (const [file, doc] of docs) writeFileSync(file, doc.toString());
  return [...docs.keys()];
}
