// Placement decisions shown by `sqlfleet plan`: for each database, what tier selection recommends for its
// projected size against what the config says, and how full the chosen pool is across the whole fleet.
import { perDatabaseMaxGb, poolSpec, type PoolSpec } from "../../placement/pools";
import { pct } from "../../placement/rebalance";
import { poolableDatabaseMaxGb, selectTier, yearsUntil } from "../../placement/tier";
import { DATABASE_ROLES, type CustomerConfig } from "../config/customer";
import type { EnvironmentConfig } from "../config/environment";

export interface DatabaseDecision {
  stack: string;
  role: string;
  sizeGb: number;
  projectedGb: number;
  configured: string;
  recommended: string;
  verdict: "ok" | "warn";
  note: string;
}

export interface PoolDecision {
  pool: string;
  edition: string;
  vCores: number;
  databases: number;
  maxDatabases: number;
  projectedGb: number;
  capacityGb: number;
  fill: string;
  verdict: "ok" | "warn";
  note: string;
}

export interface FleetMember {
  stack: string;
  cfg: CustomerConfig;
}

export function environmentPools(env: EnvironmentConfig): PoolSpec[] {
  return env.pools.map((p) => poolSpec(p.name, p.edition, p.vCores, p.maxDataGb));
}

/**
 * The largest projected size this environment can still pool: what its biggest pool holds for one database at the
 * fill target (never above the Azure limit). Larger projections go to Hyperscale.
 */
export function environmentPoolableMaxGb(env: EnvironmentConfig): number {
  const sizes = environmentPools(env)
    .filter((p) => p.edition !== "Hyperscale")
    .map((p) => Math.min(perDatabaseMaxGb(p), Math.floor(p.maxDataGb * env.placement.fillTarget)));
  return Math.min(poolableDatabaseMaxGb(env.placement.fillTarget), Math.max(0, ...sizes));
}

export function databaseDecisions(member: FleetMember, env: EnvironmentConfig): DatabaseDecision[] {
  const out: DatabaseDecision[] = [];
  const pools = environmentPools(env);
  for (const role of DATABASE_ROLES) {
    const db = member.cfg[role];
    if (!db) continue;
    const growth = db.growthPerYear ?? env.placement.defaultGrowthPerYear;
    const rec = selectTier(`${member.stack} ${role}`, { sizeGb: db.sizeGb, growthPerYear: growth, horizonYears: env.placement.horizonYears }, { hyperscaleVCores: env.placement.hyperscaleVCores, poolDatabaseMaxGb: environmentPoolableMaxGb(env) });
    const configured = db.placement.tier === "pool" ? `pool ${db.placement.pool} (max ${db.placement.maxSizeGb} GB)` : `Hyperscale ${db.placement.vCores} vCores`;
    const recommended = rec.tier === "pool" ? `pool (max ${rec.maxSizeGb} GB)` : `Hyperscale`;
    let verdict: "ok" | "warn" = "ok";
    let note = rec.reason;
    if (db.placement.tier === "pool" && rec.tier === "hyperscale") {
      verdict = "warn";
      const pool = pools.find((p) => p.name === (db.placement as { pool: string }).pool);
      const years = yearsUntil(db.sizeGb, growth, pool ? perDatabaseMaxGb(pool) : 4096);
      note = `outgrows its pool in ~${years.toFixed(1)} years: plan the one-way move to Hyperscale (sqlfleet plan --against shows its steps)`;
    } else if (db.placement.tier === "pool" && rec.tier === "pool" && db.placement.maxSizeGb < rec.projectedGb) {
      verdict = "warn";
      note = `max size ${db.placement.maxSizeGb} GB is below the ${env.placement.horizonYears}-year projection ${rec.projectedGb} GB: raise it (online)`;
    } else if (db.placement.tier === "hyperscale" && rec.tier === "pool") {
      note = `${rec.reason}; Hyperscale chosen explicitly (a pool would do; the way back is closed for databases created in Hyperscale)`;
    }
    out.push({ stack: member.stack, role, sizeGb: db.sizeGb, projectedGb: rec.projectedGb, configured, recommended, verdict, note });
  }
  return out;
}

/** Pool fill across the fleet: every customer stack's pooled databases by projected size. */
export function poolDecisions(members: readonly FleetMember[], env: EnvironmentConfig): PoolDecision[] {
  const fill = env.placement.fillTarget;
  // One pass over the fleet (a fleet plan calls this once per stack: keep it linear).
  const totals = new Map<string, { gb: number; n: number }>();
  for (const m of members) {
    for (const role of DATABASE_ROLES) {
      const db = m.cfg[role];
      if (!db || db.placement.tier !== "pool") continue;
      const growth = db.growthPerYear ?? env.placement.defaultGrowthPerYear;
      const t = totals.get(db.placement.pool) ?? { gb: 0, n: 0 };
      t.gb += Math.ceil(db.sizeGb * Math.pow(1 + growth, env.placement.horizonYears));
      t.n++;
      totals.set(db.placement.pool, t);
    }
  }
  return environmentPools(env).map((pool) => {
    const { gb: projectedGb, n: databases } = totals.get(pool.name) ?? { gb: 0, n: 0 };
    const f = projectedGb / pool.maxDataGb;
    const over = f > fill || databases > pool.maxDatabases;
    return {
      pool: pool.name,
      edition: pool.edition,
      vCores: pool.vCores,
      databases,
      maxDatabases: pool.maxDatabases,
      projectedGb,
      capacityGb: pool.maxDataGb,
      fill: pct(f),
      verdict: over ? "warn" : "ok",
      note: over ? `above the ${pct(fill)} fill target: add a pool or rebalance (sqlfleet rebalance)` : `within the ${pct(fill)} fill target`,
    };
  });
}
