// PostgresServer: an Azure Database for PostgreSQL flexible server with Entra auth only, CMK set at create,
// zone-redundant HA, geo-redundant backup, no public access, and server parameters applied one after another.
import * as dbforpostgresql from "@pulumi/azure-native/dbforpostgresql";
import * as pulumi from "@pulumi/pulumi";
import type { CmkRef, Diagnostics, EntraAdmin, Lock, PrivateAccess, ProtectionArgs, Tags } from "./types";

export interface PostgresServerArgs extends ProtectionArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  serverName?: string;
  /** Default "17". */
  version?: "14" | "15" | "16" | "17" | "18";
  /** e.g. Standard_D4ds_v5. */
  skuName: string;
  tier: "Burstable" | "GeneralPurpose" | "MemoryOptimized";
  /** 32–32768; default 128, auto-grow on. */
  storageGb?: number;
  entraAdmin: EntraAdmin;
  /** Default false. */
  passwordAuth?: boolean;
  /** Required at create (cannot be added later); geoBackup key in the paired region when geo backup is on. */
  cmk: { primary: CmkRef; geoBackup?: CmkRef };
  /** Default ZoneRedundant (not for Burstable). */
  ha?: "ZoneRedundant" | "SameZone" | "Disabled";
  /** Default true (create-time). */
  geoRedundantBackup?: boolean;
  /** 7–35; default 35. */
  backupRetentionDays?: number;
  /** VNet injection, or a private endpoint. One is required (public access stays off). */
  network: { delegatedSubnetId: pulumi.Input<string>; privateDnsZoneId: pulumi.Input<string> } | { privateAccess: PrivateAccess };
  /** Server parameters, applied strictly one after another. */
  parameters?: Record<string, string>;
  databases?: string[];
  diagnostics?: Diagnostics;
  lock?: Lock;
  tags?: Tags;
}

export class PostgresServer extends pulumi.ComponentResource {
  readonly server!: dbforpostgresql.Server;
  readonly id!: pulumi.Output<string>;
  readonly name!: pulumi.Output<string>;
  readonly fqdn!: pulumi.Output<string>;
  readonly location: string;

  constructor(name: string, args: PostgresServerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:dbforpostgresql:PostgresServer", name, {}, opts);
    this.location = args.location;
    throw new Error("PostgresServer: not implemented yet");
  }
}
