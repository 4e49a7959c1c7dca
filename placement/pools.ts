// Pool shapes shared by packing, rebalancing and the stacks: a pool's size and what it currently carries.
import { PlacementError } from "./errors";
import { describeVCoreChoices, maxDatabaseGbInPool, poolSize, poolSizes, type PoolEdition } from "./limits";

export interface PoolSpec {
  name: string;
  edition: PoolEdition;
  vCores: number;
  /** Pool storage in GB (the table's max for the size unless configured lower). */
  maxDataGb: number;
  maxDatabases: number;
}

/** What one database asks of a pool. */
export interface DatabaseDemand {
  name: string;
  /** Storage it is expected to use (projected size), counted against the pool's storage. */
  storageGb: number;
  /** The database's own max size; must not exceed what a database in the pool may reach. */
  maxSizeGb: number;
  /** Average vCores it uses (0 when unknown), counted against the pool's vCores. */
  vCores: number;
}

/** Builds a pool spec from the limits table, optionally with a smaller configured storage. */
export function poolSpec(name: string, edition: PoolEdition, vCores: number, maxDataGb?: number): PoolSpec {
  const row = poolSize(edition, vCores);
  if (!row) {
    throw new PlacementError(`pool ${name}`, "vCores", vCores, `${edition} pools come in ${describeVCoreChoices(edition)} vCores`);
  }
  const storage = maxDataGb ?? row.maxDataGb;
  if (!(storage > 0 && storage <= row.maxDataGb)) {
    throw new PlacementError(`pool ${name}`, "maxDataGb", maxDataGb, `allowed range 1..${row.maxDataGb} GB for ${edition} ${vCores} vCores`);
  }
  return { name, edition, vCores, maxDataGb: storage, maxDatabases: row.maxDatabases };
}

/** The largest single database this pool accepts: min(pool storage, table per-DB max). */
export function perDatabaseMaxGb(pool: PoolSpec): number {
  const tableMax = maxDatabaseGbInPool(pool.edition, pool.vCores) ?? 0;
  return Math.min(tableMax, pool.maxDataGb);
}

export interface Capacity {
  storageGb: number;
  vCores: number;
  databases: number;
}

/** Usable capacity at a fill target: storage and vCores scaled, the database count is a hard limit. */
export function usableCapacity(pool: PoolSpec, fillTarget: number): Capacity {
  return { storageGb: pool.maxDataGb * fillTarget, vCores: pool.vCores * fillTarget, databases: pool.maxDatabases };
}

/**
 * The smallest pool size of an edition that holds this database at the fill target, or undefined when none does.
 * This is the answer to "which pool should we add" when no existing pool has room.
 */
export function smallestPoolFor(demand: DatabaseDemand, edition: PoolEdition, fillTarget: number): { vCores: number; maxDataGb: number } | undefined {
  for (const row of poolSizes(edition)) {
    const spec: PoolSpec = { name: "", edition, ...row };
    const cap = usableCapacity(spec, fillTarget);
    if (perDatabaseMaxGb(spec) >= demand.maxSizeGb && cap.storageGb >= demand.storageGb && cap.vCores >= demand.vCores) {
      return { vCores: row.vCores, maxDataGb: row.maxDataGb };
    }
  }
  return undefined;
}

/** Next free name in a `<prefix>-NN` sequence (gp-01, gp-02, …). */
export function nextPoolName(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) {
    const name = `${prefix}-${String(i).padStart(2, "0")}`;
    if (!used.has(name)) return name;
  }
}

export function editionPrefix(edition: PoolEdition): string {
  return edition === "GeneralPurpose" ? "gp" : edition === "BusinessCritical" ? "bc" : "hs";
}
