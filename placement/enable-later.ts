// Switching CMK, zone redundancy or a failover partner on after deployment (seed 003: "warn and notify users if
// service is disrupted", "notify users when completed, or if not supported"): how Azure carries each out, from its
// documentation. Pure data and functions; stacks/plan/enable-later.ts finds these changes in a plan diff.
import type { PoolEdition } from "./limits";
import { regionHasAvailabilityZones, ZONE_REDUNDANCY_BY_TIER, zoneRedundancyRefusal } from "./zone-redundancy";

export type LaterFeature = "cmk-server" | "cmk-database" | "zone-redundancy" | "failover-partner";

/** online: no interruption · brief-reconnect: online, connections drop once at the end · replacement: a new database
 * (copy/restore/geo-replica) the service switches to · not-supported: Azure does not do it as planned (a manual path
 * exists, see steps) or not at all for this tier or region. */
export type LaterBehaviour = "online" | "brief-reconnect" | "replacement" | "not-supported";

export interface LaterClassification {
  feature: LaterFeature;
  behaviour: LaterBehaviour;
  /** The warning the plan prints and the notice carries (names the resource). */
  warning: string;
  steps: string[];
  source: string;
}

const DOCS = "https://learn.microsoft.com/azure/azure-sql/database";
/** MicrosoftDocs/sql-docs transparent-data-encryption-byok-overview.md (commit 0f2e0b6b). */
export const CMK_SERVER_SOURCE = `${DOCS}/transparent-data-encryption-byok-overview`;
/** MicrosoftDocs/sql-docs transparent-data-encryption-byok-database-level-overview.md (commit 07fada76). */
export const CMK_DATABASE_SOURCE = `${DOCS}/transparent-data-encryption-byok-database-level-overview`;
/** Add-AzSqlDatabaseToFailoverGroup (learn.microsoft.com/powershell/module/az.sql): adding starts geo-replication. */
export const FAILOVER_SOURCE = `${DOCS}/failover-group-sql-db`;
export const ZONE_SOURCE = `${DOCS}/enable-zone-redundancy`;

/**
 * Server-level CMK switched on: "data remains encrypted during the process of switching over, and there is no
 * downtime nor re-encryption of the database files" (only the DEK is re-encrypted). With geo-replication the
 * initial setup "must be done on the secondary first, and then on primary".
 */
export function cmkServerLater(server: string, geoReplicated: boolean): LaterClassification {
  return {
    feature: "cmk-server",
    behaviour: "online",
    warning: `customer-managed key switched on for server ${server} after deployment: online, no downtime (only the database encryption keys are re-wrapped)${geoReplicated ? "; the failover partner must hold the key first" : ""}`,
    steps: [
      "Check the key vault has soft-delete and purge protection on and the server identity has get, wrapKey, unwrapKey",
      ...(geoReplicated ? ["Register the key on the secondary server first (sql.ServerKey), then set the primary's TDE protector"] : []),
      `Set the TDE protector of ${server} to the key; keep every earlier key version in the vault so old backups restore`,
    ],
    source: CMK_SERVER_SOURCE,
  };
}

/**
 * Per-database CMK switched on for an existing database: the DEK is re-encrypted with the database's key, "an online
 * operation and should only take a few seconds". On a server with a CMK the keys still protecting active log files
 * must be passed along; with geo-replication the key goes to the secondary first. Switching it off again while the
 * server uses a CMK "can't be reverted back to server level encryption": only a restore without the key does that.
 */
export function cmkDatabaseLater(database: string, on: boolean, geoReplicated: boolean): LaterClassification {
  if (!on) {
    return {
      feature: "cmk-database",
      behaviour: "not-supported",
      warning: `per-database customer-managed key removed from ${database}: not supported in place while the server uses a customer-managed key; only a point-in-time restore without the key gives a database under the server key`,
      steps: [
        `Restore ${database} to a point in time without an encryption protector (a new database under the server key)`,
        "Validate the restored database and switch the service's connection to it",
        `Drop the old ${database} (writes after the restore point are lost unless replayed)`,
      ],
      source: CMK_DATABASE_SOURCE,
    };
  }
  return {
    feature: "cmk-database",
    behaviour: "online",
    warning: `per-database customer-managed key switched on for ${database} after deployment: online, takes seconds (the database encryption key is re-wrapped, the data is not rewritten)${geoReplicated ? "; its geo-secondary must get the key first" : ""}`,
    steps: [
      `Assign the user-assigned identity to ${database} and grant it get, wrapKey, unwrapKey on the vault`,
      `Pass the server keys that still protect active log files (sys.dm_db_log_info vlf_encryptor_thumbprint) as database keys`,
      ...(geoReplicated ? [`Add the key to the geo-secondary of ${database} first, then set it as the primary's encryption protector, then the secondary's`] : [`Set the key as the encryption protector of ${database}`]),
    ],
    source: CMK_DATABASE_SOURCE,
  };
}

/** Zone redundancy switched on for a pool or a single database of `tier` in `region`. */
export function zoneRedundancyLater(resource: string, tier: PoolEdition, region: string | undefined): LaterClassification {
  if (region && !regionHasAvailabilityZones(region)) {
    return { feature: "zone-redundancy", behaviour: "not-supported", warning: `${resource}: ${zoneRedundancyRefusal(region, tier)}`, steps: [], source: ZONE_SOURCE };
  }
  const row = ZONE_REDUNDANCY_BY_TIER[tier];
  if (row.later === "replacement") {
    return {
      feature: "zone-redundancy",
      behaviour: "replacement",
      warning: `zone redundancy switched on for ${tier} ${resource} after deployment: ${row.detail}`,
      steps: [
        `Create a zone-redundant geo-replica of ${resource} (online: changes keep flowing) with at least one HA replica and zone or geo-zone backup storage`,
        "Wait for seeding, then fail over to it without data loss",
        "Point the service's connection string at the new database and remove the old one",
      ],
      source: ZONE_SOURCE,
    };
  }
  return {
    feature: "zone-redundancy",
    behaviour: "brief-reconnect",
    warning: `zone redundancy switched on for ${tier} ${resource} after deployment: ${row.detail}${/pool/i.test(resource) ? "; every database in the pool becomes zone-redundant" : ""}`,
    steps: [`Apply the change; clients reconnect once at the end (retry logic for transient errors hides it)`],
    source: ZONE_SOURCE,
  };
}

/**
 * A failover partner added to a running database: joining a failover group starts geo-replication to the secondary
 * server (seeding, time proportional to size); the primary stays online. Databases with a per-database CMK "do not
 * support automated secondary creation when added to a failover group": their secondary is made by hand first.
 */
export function failoverPartnerLater(database: string, group: string, databaseCmk: boolean): LaterClassification {
  if (databaseCmk) {
    return {
      feature: "failover-partner",
      behaviour: "not-supported",
      warning: `${database} joins failover group ${group} after deployment, but it has a per-database customer-managed key: Azure does not create its geo-secondary automatically; create it by hand first`,
      steps: [
        `List the keys ${database} uses (Get-AzSqlDatabase -ExpandKeyList -KeysFilter current)`,
        `Create the secondary of ${database} on the partner server with the same name, a user-assigned identity, that key list and the encryption protector`,
        `Then add ${database} to ${group}; DR is in place once the secondary is seeded`,
      ],
      source: CMK_DATABASE_SOURCE,
    };
  }
  return {
    feature: "failover-partner",
    behaviour: "online",
    warning: `${database} joins failover group ${group} after deployment: online; disaster recovery is in place only once its geo-secondary has been seeded (time proportional to the database size)`,
    steps: [`Add ${database} to ${group}; Azure seeds the geo-secondary on the partner server`, "Watch the replication state until it is CATCH_UP before relying on failover"],
    source: FAILOVER_SOURCE,
  };
}
