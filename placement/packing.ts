// Bin packing of databases into elastic pools by storage and vCore demand, under a fill target and the per-pool
// database limit. Best-fit decreasing on the normalised dominant dimension: fast (O(databases × pools)) and, on
// realistic fleets, within a few percent of the lower bound (bench/placement.bench.ts measures it).
import { type PoolEdition } from "./limits";
import {
  editionPrefix,
  nextPoolName,
  perDatabaseMaxGb,
  poolSpec,
  smallestPoolFor,
  usableCapacity,
  type Capacity,
  type DatabaseDemand,
  type PoolSpec,
} from "./pools";

export interface PoolLoad {
  pool: PoolSpec;
  databases: string[];
  storageGb: number;
  vCores: number;
}

export interface PackOptions {
  /** Fraction of pool storage and vCores we plan to fill (default 0.8). */
  fillTarget?: number;
  /** When set, open pools of this size as needed; otherwise databases that fit nowhere are reported. */
  newPool?: { edition: PoolEdition; vCores: number; namePrefix?: string };
}

export interface PoolSuggestion {
  name: string;
  edition: PoolEdition;
  vCores: number;
  maxDataGb: number;
  reason: string;
}

export interface Unplaced {
  database: string;
  reason: string;
  /** The pool to add so the database has room (absent when no pool size can hold it: it needs Hyperscale). */
  suggestion?: PoolSuggestion;
}

export interface PackResult {
  /** database name → pool name */
  assignments: Map<string, string>;
  /** Every pool (existing first, then opened) with its load after packing. */
  loads: PoolLoad[];
  /** Pools opened by `newPool`. */
  opened: PoolSpec[];
  unplaced: Unplaced[];
}

const EPS = 1e-9;

function fits(load: PoolLoad, cap: Capacity, d: DatabaseDemand): boolean {
  return (
    load.databases.length < cap.databases &&
    load.storageGb + d.storageGb <= cap.storageGb + EPS &&
    load.vCores + d.vCores <= cap.vCores + EPS &&
    d.maxSizeGb <= perDatabaseMaxGb(load.pool)
  );
}

/** Slack left after placing d, normalised by capacity; the tightest fit wins. */
function slackAfter(load: PoolLoad, cap: Capacity, d: DatabaseDemand): number {
  const s = cap.storageGb > 0 ? (cap.storageGb - load.storageGb - d.storageGb) / cap.storageGb : 0;
  const v = cap.vCores > 0 ? (cap.vCores - load.vCores - d.vCores) / cap.vCores : 0;
  const n = (cap.databases - load.databases.length - 1) / cap.databases;
  return Math.min(s, v, n);
}

/**
 * Places each database into exactly one pool (or reports it unplaced with the pool to add).
 * `existing` may carry current loads (databases already placed stay where they are).
 */
export function packDatabases(databases: readonly DatabaseDemand[], existing: readonly (PoolSpec | PoolLoad)[], opts: PackOptions = {}): PackResult {
  const fill = opts.fillTarget ?? 0.8;
  if (!(fill > 0 && fill <= 1)) throw new RangeError(`fillTarget = ${fill} is not allowed; allowed range (0, 1]`);
  const loads: PoolLoad[] = existing.map((p) =>
    "pool" in p ? { pool: p.pool, databases: [...p.databases], storageGb: p.storageGb, vCores: p.vCores } : { pool: p, databases: [], storageGb: 0, vCores: 0 },
  );
  const caps = new Map<PoolLoad, Capacity>(loads.map((l) => [l, usableCapacity(l.pool, fill)]));
  const names = new Set(loads.map((l) => l.pool.name));
  const seen = new Set<string>();
  for (const d of databases) {
    if (seen.has(d.name)) throw new Error(`database ${d.name} is listed twice`);
    seen.add(d.name);
  }
  // Normalise against the largest pool around so the sort key compares storage and vCores fairly.
  const ref = loads.length > 0 ? loads : opts.newPool ? [{ pool: poolSpec("ref", opts.newPool.edition, opts.newPool.vCores) }] : [];
  const refStorage = Math.max(1, ...ref.map((l) => l.pool.maxDataGb));
  const refVCores = Math.max(1, ...ref.map((l) => l.pool.vCores));
  const key = (d: DatabaseDemand) => Math.max(d.storageGb / refStorage, d.vCores / refVCores);
  const order = [...databases].sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));

  const assignments = new Map<string, string>();
  const opened: PoolSpec[] = [];
  const unplaced: Unplaced[] = [];
  // Pools that can no longer take even the smallest remaining database are skipped (keeps the scan short at scale):
  // suffix minima of the remaining demand say what "smallest" means from position i on.
  let open: PoolLoad[] = [...loads];
  const minStorage = new Array<number>(order.length + 1).fill(Infinity);
  const minVCores = new Array<number>(order.length + 1).fill(Infinity);
  for (let i = order.length - 1; i >= 0; i--) {
    minStorage[i] = Math.min(minStorage[i + 1], order[i].storageGb);
    minVCores[i] = Math.min(minVCores[i + 1], order[i].vCores);
  }
  const canTakeMore = (l: PoolLoad, i: number) => {
    const cap = caps.get(l)!;
    return l.databases.length < cap.databases && l.storageGb + minStorage[i] <= cap.storageGb + EPS && l.vCores + minVCores[i] <= cap.vCores + EPS;
  };
  const place = (load: PoolLoad, d: DatabaseDemand) => {
    load.databases.push(d.name);
    load.storageGb += d.storageGb;
    load.vCores += d.vCores;
    assignments.set(d.name, load.pool.name);
  };
  for (let i = 0; i < order.length; i++) {
    const d = order[i];
    let best: PoolLoad | undefined;
    let bestSlack = Infinity;
    for (const load of open) {
      const cap = caps.get(load)!;
      if (!fits(load, cap, d)) continue;
      const slack = slackAfter(load, cap, d);
      if (slack < bestSlack) {
        bestSlack = slack;
        best = load;
      }
    }
    if (!best && opts.newPool) {
      const prefix = opts.newPool.namePrefix ?? editionPrefix(opts.newPool.edition);
      const spec = poolSpec(nextPoolName(prefix, names), opts.newPool.edition, opts.newPool.vCores);
      const load: PoolLoad = { pool: spec, databases: [], storageGb: 0, vCores: 0 };
      const cap = usableCapacity(spec, fill);
      if (fits(load, cap, d)) {
        names.add(spec.name);
        opened.push(spec);
        loads.push(load);
        caps.set(load, cap);
        open.push(load);
        best = load;
      }
    }
    if (best) {
      place(best, d);
      if ((i & 31) === 31) open = open.filter((l) => canTakeMore(l, i + 1));
      continue;
    }
    unplaced.push(explainUnplaced(d, loads, fill, names));
  }
  return { assignments, loads, opened, unplaced };
}

function explainUnplaced(d: DatabaseDemand, loads: PoolLoad[], fill: number, names: Set<string>): Unplaced {
  const edition: PoolEdition = loads[0]?.pool.edition ?? "GeneralPurpose";
  const size = smallestPoolFor(d, edition, fill);
  if (!size) {
    return { database: d.name, reason: `${d.name} (max ${d.maxSizeGb} GB, ${d.storageGb} GB, ${d.vCores} vCores) fits no ${edition} pool size at fill ${fill}; place it in Hyperscale` };
  }
  const name = nextPoolName(editionPrefix(edition), names);
  names.add(name);
  return {
    database: d.name,
    reason: `no pool has room for ${d.name} (${d.storageGb} GB, ${d.vCores} vCores, max ${d.maxSizeGb} GB) at fill ${fill}`,
    suggestion: { name, edition, ...size, reason: `smallest ${edition} pool that holds ${d.name} at fill ${fill}` },
  };
}

/** Lower bound on pools of one size for these databases: max over storage, vCores and database count. */
export function poolLowerBound(databases: readonly DatabaseDemand[], pool: PoolSpec, fillTarget: number): number {
  const cap = usableCapacity(pool, fillTarget);
  const storage = databases.reduce((s, d) => s + d.storageGb, 0);
  const vcores = databases.reduce((s, d) => s + d.vCores, 0);
  return Math.max(Math.ceil(storage / cap.storageGb - EPS), Math.ceil(vcores / cap.vCores - EPS), Math.ceil(databases.length / cap.databases - EPS));
}
