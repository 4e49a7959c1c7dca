// Workspace: one customer's FHIR and DICOM databases, placed as decided by placement/ (pool or Hyperscale),
// optionally in a per-customer failover group, tagged, and deprovisionable only through an explicit flag.
import * as pulumi from "@pulumi/pulumi";
import { FailoverGroup } from "./failover-group";
import { SqlDatabase, type BackupRedundancy, type DatabasePlacement, type LongTermRetention } from "./sql-database";
import type { AlertSettings, CmkRef, Diagnostics, ProtectionArgs, ServerRef, Tags } from "./types";

export type WorkspaceDatabaseKind = "fhir" | "dicom";

export interface WorkspaceArgs extends ProtectionArgs {
  /** Lower-case slug (^[a-z][a-z0-9-]{1,30}[a-z0-9]$); prefixes database names and becomes the customer tag. */
  customerId: string;
  server: ServerRef;
  /** At least one; each with the placement decided by placement/. */
  databases: Partial<Record<WorkspaceDatabaseKind, DatabasePlacement>>;
  /** Per-customer failover group to the paired region. */
  failover?: {
    secondary: ServerRef;
    secondaryPoolNames?: string[];
    /** Default `fog-<customerId>`. */
    groupName?: string;
    gracePeriodMinutes?: number;
    primaryKey?: CmkRef;
  };
  backupRedundancy?: BackupRedundancy;
  shortTermRetentionDays?: number;
  longTermRetention?: LongTermRetention | false;
  /** Per-database CMK for this customer's databases; default: the server's key. */
  databaseCmk?: CmkRef;
  diagnostics?: Diagnostics;
  alerts?: AlertSettings;
  tags?: Tags;
}

export class Workspace extends pulumi.ComponentResource {
  readonly customerId: string;
  readonly databases!: Partial<Record<WorkspaceDatabaseKind, SqlDatabase>>;
  readonly failoverGroup?: FailoverGroup;
  /** Read-write endpoint: the failover group listener, else the server FQDN. */
  readonly readWriteEndpoint!: pulumi.Output<string>;
  readonly readOnlyEndpoint?: pulumi.Output<string>;

  constructor(name: string, args: WorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:workspace:Workspace", name, {}, opts);
    this.customerId = args.customerId;
    throw new Error("Workspace: not implemented yet");
  }
}
