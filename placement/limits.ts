// The one table of Azure SQL / PostgreSQL limits that placement, components and validation rely on.
// Pure data, no Pulumi. Every number names its source (research/azure-sql.md §3); raise a bound here, nowhere else.

export type PoolEdition = "GeneralPurpose" | "BusinessCritical" | "Hyperscale";

export interface PoolSize {
  vCores: number;
  /** The pool's max data size; a pooled database can grow to the smaller of its own max and this. */
  maxDataGb: number;
  maxDatabases: number;
}

/**
 * vCore elastic pools, standard-series Gen5.
 * Source: MicrosoftDocs/sql-docs azure-sql/database/resource-limits-vcore-elastic-pools.md (2022-11-04),
 * same numbers on learn.microsoft.com; Hyperscale pools: hyperscale-elastic-pool-overview.md (≤ 80 vCores, 25 DBs).
 * The 128-vCore sizes are preview and deliberately left out.
 */
export const POOL_SIZES: Record<PoolEdition, readonly PoolSize[]> = {
  GeneralPurpose: [
    { vCores: 2, maxDataGb: 512, maxDatabases: 100 },
    { vCores: 4, maxDataGb: 756, maxDatabases: 200 },
    { vCores: 6, maxDataGb: 1536, maxDatabases: 500 },
    { vCores: 8, maxDataGb: 2048, maxDatabases: 500 },
    { vCores: 10, maxDataGb: 2048, maxDatabases: 500 },
    { vCores: 12, maxDataGb: 2048, maxDatabases: 500 },
    { vCores: 14, maxDataGb: 2048, maxDatabases: 500 },
    { vCores: 16, maxDataGb: 2048, maxDatabases: 500 },
    { vCores: 18, maxDataGb: 3072, maxDatabases: 500 },
    { vCores: 20, maxDataGb: 3072, maxDatabases: 500 },
    { vCores: 24, maxDataGb: 3072, maxDatabases: 500 },
    { vCores: 32, maxDataGb: 4096, maxDatabases: 500 },
    { vCores: 40, maxDataGb: 4096, maxDatabases: 500 },
    { vCores: 80, maxDataGb: 4096, maxDatabases: 500 },
  ],
  BusinessCritical: [
    { vCores: 4, maxDataGb: 1024, maxDatabases: 50 },
    { vCores: 6, maxDataGb: 1536, maxDatabases: 100 },
    { vCores: 8, maxDataGb: 2048, maxDatabases: 100 },
    { vCores: 10, maxDataGb: 2048, maxDatabases: 100 },
    { vCores: 12, maxDataGb: 3072, maxDatabases: 100 },
    { vCores: 14, maxDataGb: 3072, maxDatabases: 100 },
    { vCores: 16, maxDataGb: 3072, maxDatabases: 100 },
    { vCores: 18, maxDataGb: 3072, maxDatabases: 100 },
    { vCores: 20, maxDataGb: 3072, maxDatabases: 100 },
    { vCores: 24, maxDataGb: 4096, maxDatabases: 100 },
    { vCores: 32, maxDataGb: 4096, maxDatabases: 100 },
    { vCores: 40, maxDataGb: 4096, maxDatabases: 100 },
    { vCores: 80, maxDataGb: 4096, maxDatabases: 100 },
  ],
  // Hyperscale pools: storage per database up to the Hyperscale bound; sizes 4..80 in the Gen5 steps.
  Hyperscale: [4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80].map((vCores) => ({
    vCores,
    maxDataGb: 100 * 1024,
    maxDatabases: 25,
  })),
};

/** The largest database a pool may hold: 4 TB, only in GP ≥ 32 vCores or BC ≥ 24 vCores (resource-limits page). */
export const MAX_POOLED_DATABASE_GB = 4096;

/**
 * Hyperscale single database: "up to 100 TB" (service-tier-hyperscale.md). Newer material says 128 TB but no stored
 * official page shows it; raise this after checking the live page.
 */
export const HYPERSCALE_MAX_DATABASE_GB = 100 * 1024;

/** Hyperscale single-database and serverless vCore choices (HS_Gen5_n / HS_S_Gen5_n). */
export const HYPERSCALE_VCORES: readonly number[] = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80];
export const HYPERSCALE_MAX_HA_REPLICAS = 4;

/** Reverse migration Hyperscale → General Purpose is allowed only this long after a migration (manage-hyperscale-database.md). */
export const HYPERSCALE_REVERSE_MIGRATION_DAYS = 45;

/** Failover groups: automatic policy grace period cannot be below one hour (auto-failover-group-sql-db.md). */
export const MIN_FAILOVER_GRACE_MINUTES = 60;

/** Short-term backup retention range in days (1–35); we default to the maximum. */
export const SHORT_TERM_RETENTION_DAYS = { min: 1, max: 35 } as const;

/** TDE protector keys: RSA or RSA-HSM, 2048 or 3072 bits (transparent-data-encryption-byok-overview.md). */
export const CMK_KEY_SIZES: readonly number[] = [2048, 3072];

/** Per-database vCore settings inside a Gen5 pool: 0, 0.25, 0.5, then whole numbers up to the pool size. */
export function isValidPerDatabaseVCores(v: number, poolVCores: number): boolean {
  return v === 0 || v === 0.25 || v === 0.5 || (Number.isInteger(v) && v >= 1 && v <= poolVCores);
}

/**
 * Azure paired regions (a failover group's secondary must be in another region; we require the pair).
 * Source: learn.microsoft.com "Azure region pairs" (cross-region-replication-azure).
 */
export const REGION_PAIRS: Record<string, string> = {
  eastus: "westus",
  westus: "eastus",
  eastus2: "centralus",
  centralus: "eastus2",
  northcentralus: "southcentralus",
  southcentralus: "northcentralus",
  westus2: "westcentralus",
  westcentralus: "westus2",
  westus3: "eastus",
  canadacentral: "canadaeast",
  canadaeast: "canadacentral",
  northeurope: "westeurope",
  westeurope: "northeurope",
  uksouth: "ukwest",
  ukwest: "uksouth",
  francecentral: "francesouth",
  francesouth: "francecentral",
  germanywestcentral: "germanynorth",
  germanynorth: "germanywestcentral",
  switzerlandnorth: "switzerlandwest",
  switzerlandwest: "switzerlandnorth",
  swedencentral: "swedensouth",
  swedensouth: "swedencentral",
  australiaeast: "australiasoutheast",
  australiasoutheast: "australiaeast",
  japaneast: "japanwest",
  japanwest: "japaneast",
  southeastasia: "eastasia",
  eastasia: "southeastasia",
  centralindia: "southindia",
  southindia: "centralindia",
  brazilsouth: "southcentralus",
};

export const KNOWN_REGIONS: readonly string[] = Object.keys(REGION_PAIRS).sort();

export function poolSizes(edition: PoolEdition): readonly PoolSize[] {
  return POOL_SIZES[edition];
}

/** The pool size row for an edition and vCore count, or undefined when Azure offers no such size. */
export function poolSize(edition: PoolEdition, vCores: number): PoolSize | undefined {
  return POOL_SIZES[edition].find((s) => s.vCores === vCores);
}

/** The largest single database a pool of this size can hold (pool max data, capped at 4 TB; HS: the HS bound). */
export function maxDatabaseGbInPool(edition: PoolEdition, vCores: number): number | undefined {
  const size = poolSize(edition, vCores);
  if (!size) return undefined;
  return edition === "Hyperscale" ? HYPERSCALE_MAX_DATABASE_GB : Math.min(size.maxDataGb, MAX_POOLED_DATABASE_GB);
}

/** "2, 4, 6, …" for error messages. */
export function describeVCoreChoices(edition: PoolEdition): string {
  return POOL_SIZES[edition].map((s) => s.vCores).join(", ");
}
