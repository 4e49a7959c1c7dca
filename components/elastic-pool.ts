// ElasticPool: a vCore elastic pool (General Purpose, Business Critical or Hyperscale) sized from the limits table.
import * as sql from "@pulumi/azure-native/sql";
import * as pulumi from "@pulumi/pulumi";
import { describeVCoreChoices, HYPERSCALE_MAX_HA_REPLICAS, isValidPerDatabaseVCores, poolSize } from "../placement/limits";
import { zoneRedundancyRefusal } from "../placement/zone-redundancy";
import { diagnosticSetting, metricAlerts, validateAlerts } from "./diagnostics";
import { lockResource, withTags } from "./options";
import { EDITION_SKU_PREFIX, gbToBytes } from "./sizes";
import type { AlertSettings, Diagnostics, Lock, PoolEdition, PoolRef, ServerRef, Tags } from "./types";
import { Validator } from "./validation";

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

/** Checks ElasticPool args without creating anything; the constructor runs it before registering. */
export function validateElasticPoolArgs(name: string, args: ElasticPoolArgs) {
  const v: Validator = new Validator("ElasticPool", name);
  v.pattern("poolName", args.poolName, /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$/, "1–128 letters, digits, '-' and '_'");
  v.oneOf("edition", args.edition, ["GeneralPurpose", "BusinessCritical", "Hyperscale"]);
  const size = poolSize(args.edition, args.vCores);
  if (!size) v.fail("vCores", args.vCores, `one of ${describeVCoreChoices(args.edition)} for ${args.edition} pools`);
  const hyperscale = args.edition === "Hyperscale";
  if (hyperscale) {
    v.check(args.maxSizeGb === undefined, "maxSizeGb", args.maxSizeGb, "not set for Hyperscale pools (storage grows on demand)");
  } else if (args.maxSizeGb !== undefined) {
    v.intRange("maxSizeGb", args.maxSizeGb, 1, size.maxDataGb);
  }
  if (args.perDatabase) {
    const { minVCores, maxVCores } = args.perDatabase;
    const allowed = `0, 0.25, 0.5 or a whole number up to the pool's ${args.vCores} vCores`;
    v.check(isValidPerDatabaseVCores(minVCores, args.vCores), "perDatabase.minVCores", minVCores, allowed);
    v.check(isValidPerDatabaseVCores(maxVCores, args.vCores) && maxVCores > 0, "perDatabase.maxVCores", maxVCores, `${allowed}, above 0`);
    v.check(minVCores <= maxVCores, "perDatabase.minVCores", minVCores, `at most perDatabase.maxVCores (${maxVCores})`);
  }
  if (args.haReplicas !== undefined) {
    v.check(hyperscale, "haReplicas", args.haReplicas, "only for Hyperscale pools (GP/BC replicas are built in)");
    v.intRange("haReplicas", args.haReplicas, 0, HYPERSCALE_MAX_HA_REPLICAS);
  }
  if (args.zoneRedundant ?? !hyperscale) {
    const refusal = zoneRedundancyRefusal(args.server?.location, args.edition);
    v.check(!refusal, "zoneRedundant", args.zoneRedundant ?? !hyperscale, refusal ?? "");
  }
  if (args.licenseType !== undefined) v.oneOf("licenseType", args.licenseType, ["LicenseIncluded", "BasePrice"]);
  v.oneOf("lock", args.lock ?? "None", ["CanNotDelete", "ReadOnly", "None"]);
  validateAlerts(v, args.alerts);
  return { size, hyperscale };
}

export class ElasticPool extends pulumi.ComponentResource implements PoolRef {
  readonly pool: sql.ElasticPool;
  readonly id: pulumi.Output<string>;
  readonly name: string;
  readonly edition: PoolEdition;
  readonly vCores: number;
  /** Plain facts for placement and balancing. */
  readonly maxDataGb: number;
  readonly maxDatabases: number;
  readonly zoneRedundant: boolean;

  constructor(name: string, args: ElasticPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    const { size, hyperscale } = validateElasticPoolArgs(name, args);

    super("sqlfleet:sql:ElasticPool", name, {}, opts);
    this.name = args.poolName;
    this.edition = args.edition;
    this.vCores = args.vCores;
    this.maxDataGb = hyperscale ? size.maxDataGb : (args.maxSizeGb ?? size.maxDataGb);
    this.maxDatabases = size.maxDatabases;
    // Hyperscale pools: zone redundancy was unsupported in preview and reported as not applied (azurerm #29784);
    // opt in explicitly once the region supports it.
    this.zoneRedundant = args.zoneRedundant ?? !hyperscale;

    this.pool = new sql.ElasticPool(
      `${name}-pool`,
      {
        resourceGroupName: args.server.resourceGroupName,
        serverName: args.server.name,
        location: args.server.location,
        elasticPoolName: args.poolName,
        sku: { name: `${EDITION_SKU_PREFIX[args.edition]}_Gen5`, tier: args.edition, family: "Gen5", capacity: args.vCores },
        maxSizeBytes: hyperscale ? undefined : gbToBytes(this.maxDataGb),
        perDatabaseSettings: { minCapacity: args.perDatabase?.minVCores ?? 0, maxCapacity: args.perDatabase?.maxVCores ?? args.vCores },
        zoneRedundant: this.zoneRedundant,
        highAvailabilityReplicaCount: hyperscale ? (args.haReplicas ?? 1) : undefined,
        licenseType: args.licenseType,
        maintenanceConfigurationId: args.maintenanceConfigurationId,
        tags: withTags(args.tags),
      },
      { parent: this },
    );
    if (args.diagnostics) diagnosticSetting(`${name}-diag`, this.pool.id, "pool", args.diagnostics, { parent: this });
    if (args.alerts) metricAlerts(name, this.pool.id, "pool", args.alerts, { parent: this });
    lockResource(`${name}-lock`, this.pool.id, args.lock ?? "None", false, this, [this.pool]);

    this.id = this.pool.id;
    this.registerOutputs({ id: this.id, name: this.name, edition: this.edition, vCores: this.vCores, maxDataGb: this.maxDataGb });
  }
}
