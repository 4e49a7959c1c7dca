// FailoverGroup: geo-replication of a set of databases to the paired region with automatic failover.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import type { CmkRef, DatabaseRef, ProtectionArgs, ServerRef, Tags } from "./types";

export interface FailoverGroupArgs extends ProtectionArgs {
  /** Globally unique DNS label (<name>.database.windows.net); cannot be renamed. */
  failoverGroupName: string;
  primary: ServerRef;
  /** Must be in the primary's paired region (placement/limits REGION_PAIRS). */
  secondary: ServerRef;
  databases: DatabaseRef[];
  /** Pool names that exist on the secondary; every pooled database's pool must be among them. */
  secondaryPoolNames?: string[];
  /** The primary's TDE key: registered on the secondary (sql.ServerKey) before the group exists. */
  primaryKey?: CmkRef;
  /** Default "Automatic". */
  policy?: "Automatic" | "Manual";
  /** Automatic only; ≥ 60 (placement/limits MIN_FAILOVER_GRACE_MINUTES); default 60. */
  gracePeriodMinutes?: number;
  /** Read-only listener failover; default false. */
  readOnlyFailover?: boolean;
  secondaryType?: "Geo" | "Standby";
  tags?: Tags;
}

export class FailoverGroup extends pulumi.ComponentResource {
  readonly group!: sql.FailoverGroup;
  readonly id!: pulumi.Output<string>;
  readonly name: string;
  /** <name>.database.windows.net */
  readonly readWriteListener: string;
  /** <name>.secondary.database.windows.net */
  readonly readOnlyListener: string;

  constructor(name: string, args: FailoverGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:sql:FailoverGroup", name, {}, opts);
    this.name = args.failoverGroupName;
    this.readWriteListener = `${args.failoverGroupName}.database.windows.net`;
    this.readOnlyListener = `${args.failoverGroupName}.secondary.database.windows.net`;
    throw new Error("FailoverGroup: not implemented yet");
  }
}
