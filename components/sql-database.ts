// SqlDatabase: one database, pooled or Hyperscale (provisioned or serverless), with TDE, short- and long-term
// backup retention, backup redundancy (never Local by default) and diagnostics.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import {
  HYPERSCALE_MAX_DATABASE_GB,
  HYPERSCALE_MAX_HA_REPLICAS,
  HYPERSCALE_VCORES,
  maxDatabaseGbInPool,
  SHORT_TERM_RETENTION_DAYS,
} from "../placement/limits";
import { zoneRedundancyRefusal } from "../placement/zone-redundancy";
import { diagnosticSetting, metricAlerts, validateAlerts } from "./diagnostics";
import { dataOptions, withTags } from "./options";
import { gbToBytes } from "./sizes";
import type { AlertSettings, CmkRef, DatabaseRef, Diagnostics, PoolRef, ProtectionArgs, ServerRef, Tags } from "./types";
import { ISO_DURATION, Validator } from "./validation";

/** Where the database lives. The placement module decides; this component only applies the decision. */
export type DatabasePlacement =
  | { kind: "pool"; pool: PoolRef; maxSizeGb: number }
  | {
      kind: "hyperscale";
      /** placement/limits HYPERSCALE_VCORES. */
      vCores: number;
      /** Serverless Hyperscale (HS_S_Gen5_n): the vCore floor. */
      serverless?: { minVCores: number };
      /** 0–4; default 1 (zone-redundant Hyperscale needs at least 1). */
      haReplicas?: number;
      /** Optional cap; Hyperscale grows on demand up to the Hyperscale bound. */
      maxSizeGb?: number;
    };

export type BackupRedundancy = "GeoZone" | "Geo" | "Zone" | "Local";

export interface LongTermRetention {
  /** ISO-8601 durations; default P12W / P12M / P10Y, week 1. */
  weekly?: string;
  monthly?: string;
  yearly?: string;
  weekOfYear?: number;
}

export const DEFAULT_LONG_TERM_RETENTION: Required<LongTermRetention> = { weekly: "P12W", monthly: "P12M", yearly: "P10Y", weekOfYear: 1 };
export const DEFAULT_COLLATION = "SQL_Latin1_General_CP1_CI_AS";

export interface SqlDatabaseArgs extends ProtectionArgs {
  server: ServerRef;
  databaseName: string;
  placement: DatabasePlacement;
  /** Hyperscale only (pooled databases inherit the pool's); default true; fixed at create. */
  zoneRedundant?: boolean;
  /** Default GeoZone. Local needs allowLocalBackupRedundancy. Hyperscale: fixed at create. */
  backupRedundancy?: BackupRedundancy;
  allowLocalBackupRedundancy?: boolean;
  /** 1–35; default 35. */
  shortTermRetentionDays?: number;
  /** 12 or 24; default 12 (not for Hyperscale, which takes no differential backups). */
  differentialBackupHours?: number;
  /** Default weekly/monthly/yearly; `false` turns long-term retention off. */
  longTermRetention?: LongTermRetention | false;
  /** Per-database CMK (create-time: the database identity cannot change later). */
  databaseCmk?: CmkRef;
  /** Create-time; default SQL_Latin1_General_CP1_CI_AS. */
  collation?: string;
  diagnostics?: Diagnostics;
  alerts?: AlertSettings;
  tags?: Tags;
}

/** The values the constructor derives from validated args. */
interface ResolvedDatabaseArgs {
  redundancy: BackupRedundancy;
  zoneRedundant: boolean | undefined;
  str: number;
  ltr: Required<LongTermRetention> | undefined;
}

/** Checks SqlDatabase args without creating anything (Workspace calls it for every database before registering). */
export function validateSqlDatabaseArgs(name: string, args: SqlDatabaseArgs): ResolvedDatabaseArgs {
  const v: Validator = new Validator("SqlDatabase", name);
  v.pattern("databaseName", args.databaseName, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/, "1–128 letters, digits, '-' and '_'");
  v.check(!["master", "tempdb", "model", "msdb"].includes(args.databaseName.toLowerCase()), "databaseName", args.databaseName, "not a system database name");
  const p = args.placement;
  v.oneOf("placement.kind", p?.kind, ["pool", "hyperscale"]);
  const redundancy = args.backupRedundancy ?? "GeoZone";
  v.oneOf("backupRedundancy", redundancy, ["GeoZone", "Geo", "Zone", "Local"]);
  if (redundancy === "Local") {
    v.check(args.allowLocalBackupRedundancy === true, "backupRedundancy", redundancy, `GeoZone, Geo or Zone; "Local" only with allowLocalBackupRedundancy: true (backups would not survive a zone or region loss)`);
  }
  const zoneRedundant = p.kind === "hyperscale" ? (args.zoneRedundant ?? true) : undefined;
  if (p.kind === "pool") {
    v.check(args.zoneRedundant === undefined, "zoneRedundant", args.zoneRedundant, "not set for pooled databases (they inherit the pool's zone redundancy)");
    const cap = maxDatabaseGbInPool(p.pool.edition, p.pool.vCores);
    if (cap === undefined) v.fail("placement.pool.vCores", p.pool.vCores, `a ${p.pool.edition} pool size from placement/limits`);
    if (!(Number.isInteger(p.maxSizeGb) && p.maxSizeGb >= 1 && p.maxSizeGb <= cap)) {
      v.fail("placement.maxSizeGb", p.maxSizeGb, `1 to ${cap} GB in a ${p.pool.edition} pool of ${p.pool.vCores} vCores (4096 GB only in GP ≥ 32 or BC ≥ 24 vCores; larger databases go to Hyperscale)`);
    }
  } else {
    v.oneOf("placement.vCores", p.vCores, HYPERSCALE_VCORES);
    const ha = p.haReplicas ?? 1;
    v.intRange("placement.haReplicas", ha, 0, HYPERSCALE_MAX_HA_REPLICAS);
    if (p.serverless) v.numRange("placement.serverless.minVCores", p.serverless.minVCores, 0.5, p.vCores, " vCores");
    if (p.maxSizeGb !== undefined) v.intRange("placement.maxSizeGb", p.maxSizeGb, 1, HYPERSCALE_MAX_DATABASE_GB);
    if (zoneRedundant) {
      const refusal = zoneRedundancyRefusal(args.server?.location, "Hyperscale");
      v.check(!refusal, "zoneRedundant", zoneRedundant, refusal ?? "");
      v.check(ha >= 1, "placement.haReplicas", ha, "at least 1 for a zone-redundant Hyperscale database (or zoneRedundant: false)");
      v.check(redundancy === "Zone" || redundancy === "GeoZone", "backupRedundancy", redundancy, `"Zone" or "GeoZone" for a zone-redundant Hyperscale database`);
    }
  }
  const str = args.shortTermRetentionDays ?? SHORT_TERM_RETENTION_DAYS.max;
  v.intRange("shortTermRetentionDays", str, SHORT_TERM_RETENTION_DAYS.min, SHORT_TERM_RETENTION_DAYS.max);
  if (args.differentialBackupHours !== undefined) {
    v.check(p.kind === "pool", "differentialBackupHours", args.differentialBackupHours, "not set for Hyperscale (no differential backups)");
    v.oneOf("differentialBackupHours", args.differentialBackupHours, [12, 24]);
  }
  const ltr = args.longTermRetention === false ? undefined : { ...DEFAULT_LONG_TERM_RETENTION, ...(args.longTermRetention ?? {}) };
  if (ltr) {
    for (const k of ["weekly", "monthly", "yearly"] as const) v.pattern(`longTermRetention.${k}`, ltr[k], ISO_DURATION, "an ISO-8601 duration such as P12W, P12M, P10Y");
    v.intRange("longTermRetention.weekOfYear", ltr.weekOfYear, 1, 52);
  }
  if (args.collation !== undefined) v.pattern("collation", args.collation, /^[A-Za-z0-9_]+$/, "a SQL collation name such as SQL_Latin1_General_CP1_CI_AS");
  validateAlerts(v, args.alerts);
  return { redundancy, zoneRedundant, str, ltr };
}

export class SqlDatabase extends pulumi.ComponentResource implements DatabaseRef {
  readonly database: sql.Database;
  readonly id: pulumi.Output<string>;
  readonly databaseName: string;
  readonly poolName?: string;
  readonly placementKind: DatabasePlacement["kind"];
  readonly backupRedundancy: BackupRedundancy;

  constructor(name: string, args: SqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    const { redundancy, zoneRedundant, str, ltr } = validateSqlDatabaseArgs(name, args);
    const p = args.placement;

    super("sqlfleet:sql:SqlDatabase", name, {}, opts);
    this.databaseName = args.databaseName;
    this.placementKind = p.kind;
    this.poolName = p.kind === "pool" ? p.pool.name : undefined;
    this.backupRedundancy = redundancy;
    const cmk = args.databaseCmk;

    const placementInputs: Omit<sql.DatabaseArgs, "serverName"> =
      p.kind === "pool"
        ? { resourceGroupName: args.server.resourceGroupName, elasticPoolId: p.pool.id, maxSizeBytes: gbToBytes(p.maxSizeGb) }
        : {
            resourceGroupName: args.server.resourceGroupName,
            sku: {
              name: p.serverless ? `HS_S_Gen5_${p.vCores}` : `HS_Gen5_${p.vCores}`,
              tier: "Hyperscale",
              family: "Gen5",
              capacity: p.vCores,
            },
            minCapacity: p.serverless?.minVCores,
            // Hyperscale serverless does not auto-pause here: -1 disables it (and failover groups prevent it anyway).
            autoPauseDelay: p.serverless ? -1 : undefined,
            maxSizeBytes: p.maxSizeGb !== undefined ? gbToBytes(p.maxSizeGb) : undefined,
            highAvailabilityReplicaCount: p.haReplicas ?? 1,
            zoneRedundant,
          };

    this.database = new sql.Database(
      `${name}-db`,
      {
        ...placementInputs,
        serverName: args.server.name,
        location: args.server.location,
        databaseName: args.databaseName,
        requestedBackupStorageRedundancy: redundancy,
        collation: args.collation ?? DEFAULT_COLLATION,
        identity: cmk ? { type: "UserAssigned", userAssignedIdentities: [cmk.identityId] } : undefined,
        encryptionProtector: cmk?.keyUri,
        encryptionProtectorAutoRotation: cmk ? true : undefined,
        tags: withTags(args.tags),
      },
      dataOptions(this, args.deprovision, {
        dependsOn: cmk?.readyResources ?? [],
        // Hyperscale zone redundancy and backup redundancy are fixed at create: a change must show as a replacement
        // (which protect then blocks) instead of an update the service rejects half-way.
        replaceOnChanges: p.kind === "hyperscale" ? ["zoneRedundant", "requestedBackupStorageRedundancy"] : [],
      }),
    );
    const dbArgs = { resourceGroupName: args.server.resourceGroupName, serverName: args.server.name, databaseName: this.database.name };

    new sql.TransparentDataEncryption(`${name}-tde`, { ...dbArgs, tdeName: "current", state: "Enabled" }, { parent: this });
    new sql.BackupShortTermRetentionPolicy(
      `${name}-str`,
      { ...dbArgs, policyName: "default", retentionDays: str, diffBackupIntervalInHours: p.kind === "pool" ? (args.differentialBackupHours ?? 12) : undefined },
      { parent: this },
    );
    if (ltr) {
      new sql.LongTermRetentionPolicy(
        `${name}-ltr`,
        { ...dbArgs, policyName: "default", weeklyRetention: ltr.weekly, monthlyRetention: ltr.monthly, yearlyRetention: ltr.yearly, weekOfYear: ltr.weekOfYear },
        { parent: this },
      );
    }
    if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.database.id, "database", args.diagnostics, { parent: this });
    if (args.alerts) metricAlerts(name, this.database.id, "database", args.alerts, { parent: this });

    this.id = this.database.id;
    this.registerOutputs({ id: this.id, databaseName: this.databaseName, poolName: this.poolName });
  }
}
