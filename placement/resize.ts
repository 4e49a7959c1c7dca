// Resize classification: how Azure will treat a change to one database, and the ordered steps for the
// non-trivial ones. This is what a reviewer reads before approving a resize (research/azure-sql.md §3.3, §3.7).
import { HYPERSCALE_REVERSE_MIGRATION_DAYS, type PoolEdition } from "./limits";

export type DatabaseTier = "GeneralPurpose" | "BusinessCritical" | "Hyperscale";

/** The properties of a database that decide how a change is carried out. */
export interface DatabaseState {
  name: string;
  tier: DatabaseTier;
  /** Elastic pool name when pooled. */
  pool?: string;
  poolEdition?: PoolEdition;
  vCores?: number;
  maxSizeGb?: number;
  collation?: string;
  catalogCollation?: string;
  zoneRedundant?: boolean;
  backupRedundancy?: string;
  ledger?: boolean;
  inFailoverGroup?: boolean;
  /** Set when the database was migrated into Hyperscale (ISO date); absent when it was created in Hyperscale. */
  migratedToHyperscaleAt?: string;
}

export type ChangeClass = "none" | "online" | "leave-failover-group" | "one-way" | "replacement";

/** Severity order: a change takes the most severe class of its parts. */
export const CLASS_SEVERITY: Record<ChangeClass, number> = { none: 0, online: 1, "leave-failover-group": 2, "one-way": 3, replacement: 4 };

export interface ResizeClassification {
  classification: ChangeClass;
  /** The database must be removed from its failover group before the change (and re-added after). */
  requiresLeavingFailoverGroup: boolean;
  dataLoss: boolean;
  reasons: string[];
  /** Ordered steps; empty for online changes. */
  steps: string[];
}

export interface ClassifyOptions {
  /** "Today" for the 45-day reverse-migration window (default: now). */
  now?: Date;
}

const worse = (a: ChangeClass, b: ChangeClass): ChangeClass => (CLASS_SEVERITY[b] > CLASS_SEVERITY[a] ? b : a);

function daysSince(iso: string, now: Date): number {
  return (now.getTime() - new Date(iso).getTime()) / 86_400_000;
}

function describe(s: DatabaseState): string {
  return s.pool ? `pool ${s.pool} (${s.poolEdition ?? s.tier})` : `${s.tier}${s.vCores ? ` ${s.vCores} vCores` : ""}`;
}

export function classifyResize(before: DatabaseState, after: DatabaseState, opts: ClassifyOptions = {}): ResizeClassification {
  const now = opts.now ?? new Date();
  let cls: ChangeClass = "none";
  const reasons: string[] = [];
  const steps: string[] = [];
  let leaveFog = false;
  let dataLoss = false;
  const name = after.name;

  // Create-only properties: Azure cannot change them in place, so the database is rebuilt (replacement, data loss).
  const createOnly: [keyof DatabaseState, string][] = [
    ["collation", "collation"],
    ["catalogCollation", "catalog collation"],
    ["ledger", "ledger"],
  ];
  for (const [key, label] of createOnly) {
    if (before[key] !== undefined && after[key] !== undefined && before[key] !== after[key]) {
      cls = worse(cls, "replacement");
      reasons.push(`${label} ${String(before[key])} → ${String(after[key])} is create-only: the database is replaced`);
    }
  }
  const hsBefore = before.tier === "Hyperscale";
  const hsAfter = after.tier === "Hyperscale";
  if (hsBefore && hsAfter) {
    if (before.zoneRedundant !== undefined && after.zoneRedundant !== undefined && before.zoneRedundant !== after.zoneRedundant) {
      cls = worse(cls, "replacement");
      reasons.push(`Hyperscale zone redundancy ${before.zoneRedundant} → ${after.zoneRedundant} is fixed at creation: copy into a new database`);
    }
    if (before.backupRedundancy && after.backupRedundancy && before.backupRedundancy !== after.backupRedundancy) {
      cls = worse(cls, "replacement");
      reasons.push(`Hyperscale backup redundancy ${before.backupRedundancy} → ${after.backupRedundancy} is fixed at creation: copy into a new database`);
    }
  }
  if (cls === "replacement") {
    dataLoss = true;
    steps.push(
      `Export or copy ${name} (bacpac ≤ 150 GB, otherwise a database copy / data movement) and stop writes`,
      `Create the new database with the new create-time settings`,
      `Load the data into the new database and validate row counts and checksums`,
      before.inFailoverGroup ? `Add the new database to the failover group and wait for seeding` : `Point the service at the new database`,
      `Switch the service's connection to the new database, then drop the old one (its data is gone after this)`,
    );
    return { classification: cls, requiresLeavingFailoverGroup: false, dataLoss, reasons, steps };
  }

  if (!hsBefore && hsAfter) {
    cls = worse(cls, "one-way");
    reasons.push(`${describe(before)} → Hyperscale is one-way: the way back exists only for ${HYPERSCALE_REVERSE_MIGRATION_DAYS} days after the migration`);
    if (before.inFailoverGroup) {
      leaveFog = true;
      reasons.push("a database must leave its failover group (and drop its geo-secondary) before migrating to Hyperscale");
      steps.push(`Remove ${name} from its failover group and delete its geo-secondary`);
    }
    steps.push(
      `Take note of the migration date: reverse migration to General Purpose is possible until ${HYPERSCALE_REVERSE_MIGRATION_DAYS} days after it`,
      `Update ${name} to Hyperscale ${after.vCores ? `HS_Gen5_${after.vCores}` : ""}`.trim() + " (size-of-data copy while online; optionally manualCutover)",
      "Cut over (a short disconnect, generally a few minutes) and verify the service tier is Hyperscale",
    );
    if (before.inFailoverGroup || after.inFailoverGroup) steps.push(`Add ${name} back to the failover group (its secondary is seeded as Hyperscale) and wait for seeding`);
  } else if (hsBefore && !hsAfter) {
    const migrated = before.migratedToHyperscaleAt;
    const age = migrated ? daysSince(migrated, now) : undefined;
    const reversible = after.tier === "GeneralPurpose" && !after.pool && age !== undefined && age <= HYPERSCALE_REVERSE_MIGRATION_DAYS;
    if (!reversible) {
      cls = worse(cls, "replacement");
      dataLoss = true;
      const why = !migrated
        ? "it was created in Hyperscale (never eligible for reverse migration)"
        : age! > HYPERSCALE_REVERSE_MIGRATION_DAYS
          ? `it migrated ${Math.floor(age!)} days ago (> ${HYPERSCALE_REVERSE_MIGRATION_DAYS})`
          : "reverse migration goes only to a General Purpose single database (not a pool, not Business Critical)";
      reasons.push(`Hyperscale → ${describe(after)} is not possible in place: ${why}; only export/import remains`);
      steps.push(
        `Export ${name} (bacpac ≤ 150 GB) or move the data with a copy tool`,
        `Create the target database in ${describe(after)} and import`,
        `Validate, switch the service's connection, then drop the Hyperscale database`,
      );
    } else {
      cls = worse(cls, before.inFailoverGroup ? "leave-failover-group" : "online");
      reasons.push(`reverse migration Hyperscale → General Purpose, ${Math.floor(age!)} of ${HYPERSCALE_REVERSE_MIGRATION_DAYS} days used`);
      if (before.inFailoverGroup) {
        leaveFog = true;
        reasons.push("reverse migration needs the database out of geo-replication");
        steps.push(`Remove ${name} from its failover group and delete its geo-secondary`);
      }
      steps.push(`Update ${name} to General Purpose (size-of-data, short cutover)`);
      if (before.inFailoverGroup) steps.push(`Add ${name} back to the failover group and wait for seeding`);
    }
  } else {
    // Same side of the Hyperscale line: pool moves, vCores, size and tier changes are online updates.
    const moved = before.pool !== after.pool;
    const scaled = before.vCores !== after.vCores || before.tier !== after.tier;
    const grown = before.maxSizeGb !== after.maxSizeGb;
    if (moved) reasons.push(`${describe(before)} → ${describe(after)}: online move, brief reconnect`);
    if (scaled && !moved) reasons.push(`${describe(before)} → ${describe(after)}: online scale, brief reconnect`);
    if (grown) reasons.push(`max size ${before.maxSizeGb ?? "?"} → ${after.maxSizeGb ?? "?"} GB: online`);
    if (before.zoneRedundant !== after.zoneRedundant && after.zoneRedundant !== undefined && before.zoneRedundant !== undefined) reasons.push(`zone redundancy ${before.zoneRedundant} → ${after.zoneRedundant}: online`);
    if (before.backupRedundancy !== after.backupRedundancy && before.backupRedundancy && after.backupRedundancy) reasons.push(`backup redundancy ${before.backupRedundancy} → ${after.backupRedundancy}: online`);
    if (reasons.length > 0) cls = worse(cls, "online");
    if (moved && before.inFailoverGroup && after.pool) {
      steps.push(`Make sure the secondary server has a pool named ${after.pool} with room, then move the secondary first and the primary second`);
    } else if (scaled && before.inFailoverGroup) {
      steps.push("Scale the geo-secondary first when scaling up, the primary first when scaling down");
    }
  }
  return { classification: cls, requiresLeavingFailoverGroup: leaveFog, dataLoss, reasons, steps };
}
