// SqlDatabase: one database, pooled or Hyperscale (provisioned or serverless), with TDE, short- and long-term
// backup retention, backup redundancy (never Local by default) and diagnostics.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSettings, CmkRef, DatabaseRef, Diagnostics, PoolRef, ProtectionArgs, ServerRef, Tags } from "./types";

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
  /** 12 or 24; default 12. */
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

export class SqlDatabase extends pulumi.ComponentResource implements DatabaseRef {
  readonly database!: sql.Database;
  readonly id!: pulumi.Output<string>;
  readonly databaseName: string;
  readonly poolName?: string;

  constructor(name: string, args: SqlDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:sql:SqlDatabase", name, {}, opts);
    this.databaseName = args.databaseName;
    throw new Error("SqlDatabase: not implemented yet");
  }
}
