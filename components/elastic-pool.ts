// ElasticPool: a vCore elastic pool (General Purpose, Business Critical or Hyperscale) sized from the limits table.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import type { AlertSettings, Diagnostics, Lock, PoolEdition, PoolRef, ServerRef, Tags } from "./types";

export interface ElasticPoolArgs {
  server: ServerRef;
  /** Azure pool name; a failover group needs the same name on the secondary server. */
  poolName: string;
  edition: PoolEdition;
  /** One of the sizes in placement/limits POOL_SIZES for the edition. */
  vCores: number;
  /** Default: the table's max data size for the size (GP/BC); not set for Hyperscale. */
  maxSizeGb?: number;
  /** Per-database vCore floor and cap; default 0 .. vCores. */
  perDatabase?: { minVCores: number; maxVCores: number };
  /** Default true (GP/BC). Hyperscale pools: default false (see README). */
  zoneRedundant?: boolean;
  /** Hyperscale pools only (0–4); default 1. */
  haReplicas?: number;
  licenseType?: "LicenseIncluded" | "BasePrice";
  maintenanceConfigurationId?: pulumi.Input<string>;
  diagnostics?: Diagnostics;
  alerts?: AlertSettings;
  lock?: Lock;
  tags?: Tags;
}

export class ElasticPool extends pulumi.ComponentResource implements PoolRef {
  readonly pool!: sql.ElasticPool;
  readonly id!: pulumi.Output<string>;
  readonly name: string;
  readonly edition: PoolEdition;
  readonly vCores: number;
  /** Plain facts for placement and balancing. */
  readonly maxDataGb!: number;
  readonly maxDatabases!: number;
  readonly zoneRedundant!: boolean;

  constructor(name: string, args: ElasticPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("sqlfleet:sql:ElasticPool", name, {}, opts);
    this.name = args.poolName;
    this.edition = args.edition;
    this.vCores = args.vCores;
    throw new Error("ElasticPool: not implemented yet");
  }
}
