// Tier selection: which service tier a database belongs in, from its size projected over the planning horizon.
// Pool while the projection fits what a pooled database may reach, Hyperscale above, an error above Hyperscale's bound.
import { PlacementError } from "./errors";
import { HYPERSCALE_MAX_DATABASE_GB, HYPERSCALE_VCORES, MAX_POOLED_DATABASE_GB } from "./limits";

export interface GrowthInput {
  /** Current (or initially requested) data size in GB. */
  sizeGb: number;
  /** Compound growth per year as a fraction (0.25 = +25 % a year). */
  growthPerYear: number;
  /** Planning horizon in years. */
  horizonYears: number;
}

/** Size after compound growth over the horizon, rounded up to a whole GB. */
export function projectSizeGb({ sizeGb, growthPerYear, horizonYears }: GrowthInput): number {
  return Math.ceil(sizeGb * Math.pow(1 + growthPerYear, horizonYears));
}

/** Years until `sizeGb` growing at `growthPerYear` passes `limitGb` (Infinity when it never does). */
export function yearsUntil(sizeGb: number, growthPerYear: number, limitGb: number): number {
  if (sizeGb > limitGb) return 0;
  if (growthPerYear <= 0) return Infinity;
  return Math.log(limitGb / sizeGb) / Math.log(1 + growthPerYear);
}

export type TierDecision =
  | { tier: "pool"; projectedGb: number; maxSizeGb: number; reason: string }
  | { tier: "hyperscale"; projectedGb: number; vCores: number; reason: string };

export interface TierOptions {
  /** Largest database a pool in this fleet may hold (default: the Azure limit, 4 TB). */
  poolDatabaseMaxGb?: number;
  /** vCores for a new Hyperscale database (default 8). */
  hyperscaleVCores?: number;
}

/** Rounds a pooled database's max size up to a step Azure accepts and we like to read (multiples of 32 GB, ≥ 32). */
export function pooledMaxSizeGb(projectedGb: number, capGb: number): number {
  return Math.min(capGb, Math.max(32, Math.ceil(projectedGb / 32) * 32));
}

export function selectTier(subject: string, input: GrowthInput, opts: TierOptions = {}): TierDecision {
  const poolMax = opts.poolDatabaseMaxGb ?? MAX_POOLED_DATABASE_GB;
  const hsVCores = opts.hyperscaleVCores ?? 8;
  if (!HYPERSCALE_VCORES.includes(hsVCores)) {
    throw new PlacementError(subject, "hyperscaleVCores", hsVCores, `allowed: ${HYPERSCALE_VCORES.join(", ")}`);
  }
  if (!(input.sizeGb > 0)) throw new PlacementError(subject, "sizeGb", input.sizeGb, "must be a positive number of GB");
  if (!(input.growthPerYear >= 0 && input.growthPerYear <= 10)) {
    throw new PlacementError(subject, "growthPerYear", input.growthPerYear, "allowed range 0..10 (fraction per year)");
  }
  if (input.sizeGb > HYPERSCALE_MAX_DATABASE_GB) {
    throw new PlacementError(subject, "sizeGb", input.sizeGb, `the largest database Azure SQL holds is ${HYPERSCALE_MAX_DATABASE_GB} GB (Hyperscale)`);
  }
  const projectedGb = projectSizeGb(input);
  const horizon = `${input.horizonYears}y at ${Math.round(input.growthPerYear * 100)}%/y`;
  if (projectedGb <= poolMax) {
    return { tier: "pool", projectedGb, maxSizeGb: pooledMaxSizeGb(projectedGb, poolMax), reason: `projected ${projectedGb} GB (${horizon}) ≤ pooled max ${poolMax} GB` };
  }
  // Hyperscale grows on demand; the projection may pass the bound later, which is a warning, not a refusal now.
  return {
    tier: "hyperscale",
    projectedGb,
    vCores: hsVCores,
    reason: `projected ${projectedGb} GB (${horizon}) > pooled max ${poolMax} GB`,
  };
}

/**
 * The largest projected size we still put in a pool: the pooled-database limit, but also no more than one pool's
 * storage at the fill target (a 3.9 TB database would leave a 4 TB pool past any sane fill).
 */
export function poolableDatabaseMaxGb(fillTarget: number): number {
  return Math.min(MAX_POOLED_DATABASE_GB, Math.floor(MAX_POOLED_DATABASE_GB * fillTarget));
}
