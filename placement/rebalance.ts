// Imbalance detection and a move plan from a metrics snapshot. A pool is out of band when its storage or average
// vCore use passes the fill target, or its dominant utilisation sits more than `spread` above the fleet mean.
// Moves are chosen greedily to use as few as possible: one database that removes the whole excess if there is
// one (the smallest such), otherwise the largest first; each goes to the least-loaded pool that stays in band.
import type { DatabaseMetrics, MetricsSnapshot } from "./metrics";
import { perDatabaseMaxGb, type PoolSpec } from "./pools";
import { classifyResize, type ResizeClassification } from "./resize";

export interface BandOptions {
  /** Upper bound on storage and average-vCore utilisation (default 0.8). */
  fillTarget?: number;
  /** How far above the fleet mean a pool's utilisation may sit (default 0.3). */
  spread?: number;
  /** Stop after this many moves (default 50). */
  maxMoves?: number;
}

export interface PoolUtilisation {
  pool: string;
  databases: number;
  maxDatabases: number;
  storageGb: number;
  storage: number; // fraction of pool storage
  vCores: number;
  cpu: number; // fraction of pool vCores (average)
  peakVCores: number;
  inBand: boolean;
  why?: string;
}

export interface Move {
  database: string;
  stack?: string;
  from: string;
  to: string;
  storageGb: number;
  avgVCores: number;
  change: ResizeClassification;
}

export interface RebalancePlan {
  before: PoolUtilisation[];
  after: PoolUtilisation[];
  moves: Move[];
  /** Pools still out of band after the moves, with the reason (e.g. "add a pool"). */
  unresolved: { pool: string; why: string }[];
}

interface Load {
  pool: PoolSpec;
  dbs: DatabaseMetrics[];
}

function util(l: Load) {
  const storageGb = l.dbs.reduce((s, d) => s + d.storageUsedGb, 0);
  const vCores = l.dbs.reduce((s, d) => s + d.avgVCores, 0);
  const peakVCores = l.dbs.reduce((s, d) => Math.max(s, d.peakVCores), 0);
  return { storageGb, vCores, peakVCores, storage: storageGb / l.pool.maxDataGb, cpu: vCores / l.pool.vCores };
}

const dominant = (u: { storage: number; cpu: number }) => Math.max(u.storage, u.cpu);

function evaluate(loads: Load[], fill: number, spread: number): PoolUtilisation[] {
  const us = loads.map(util);
  const mean = us.reduce((s, u) => s + dominant(u), 0) / Math.max(1, us.length);
  return loads.map((l, i) => {
    const u = us[i];
    let why: string | undefined;
    if (u.storage > fill) why = `storage ${pct(u.storage)} > ${pct(fill)}`;
    else if (u.cpu > fill) why = `average vCores ${pct(u.cpu)} > ${pct(fill)}`;
    else if (l.dbs.length > l.pool.maxDatabases) why = `${l.dbs.length} databases > ${l.pool.maxDatabases}`;
    else if (dominant(u) > mean + spread) why = `utilisation ${pct(dominant(u))} > fleet mean ${pct(mean)} + ${pct(spread)}`;
    return { pool: l.pool.name, databases: l.dbs.length, maxDatabases: l.pool.maxDatabases, ...u, inBand: !why, why };
  });
}

export const pct = (f: number) => `${Math.round(f * 100)}%`;

export function planRebalance(pools: readonly PoolSpec[], snapshot: MetricsSnapshot, opts: BandOptions = {}): RebalancePlan {
  const fill = opts.fillTarget ?? 0.8;
  const spread = opts.spread ?? 0.3;
  const maxMoves = opts.maxMoves ?? 50;
  const loads: Load[] = pools.map((p) => ({ pool: p, dbs: [] }));
  const byName = new Map(loads.map((l) => [l.pool.name, l]));
  for (const d of snapshot.databases) {
    if (!d.pool) continue; // Hyperscale single databases are not pooled: nothing to balance
    const l = byName.get(d.pool);
    if (!l) throw new Error(`metrics: database ${d.name} is in pool "${d.pool}", which the environment does not define (pools: ${pools.map((p) => p.name).join(", ")})`);
    l.dbs.push(d);
  }
  const before = evaluate(loads, fill, spread);
  const moves: Move[] = [];
  const stuck = new Set<string>();
  const moved = new Set<string>();
  while (moves.length < maxMoves) {
    const state = evaluate(loads, fill, spread);
    const worst = state
      .map((u, i) => ({ u, l: loads[i] }))
      .filter(({ u }) => !u.inBand && !stuck.has(u.pool))
      .sort((a, b) => dominant(b.u) - dominant(a.u))[0];
    if (!worst) break;
    const move = bestMove(worst.l, loads, fill, spread, moved);
    if (!move) {
      stuck.add(worst.l.pool.name);
      continue;
    }
    const { db, to } = move;
    worst.l.dbs.splice(worst.l.dbs.indexOf(db), 1);
    to.dbs.push(db);
    moved.add(db.name);
    moves.push({
      database: db.name,
      stack: db.stack,
      from: worst.l.pool.name,
      to: to.pool.name,
      storageGb: db.storageUsedGb,
      avgVCores: db.avgVCores,
      change: classifyResize(
        { name: db.name, tier: worst.l.pool.edition, pool: worst.l.pool.name, poolEdition: worst.l.pool.edition },
        { name: db.name, tier: to.pool.edition, pool: to.pool.name, poolEdition: to.pool.edition },
      ),
    });
  }
  const after = evaluate(loads, fill, spread);
  const unresolved = after
    .filter((u) => !u.inBand)
    .map((u) => ({ pool: u.pool, why: `${u.why}; no move keeps every pool in band: add a pool of the same size and rerun` }));
  return { before, after, moves, unresolved };
}

/** The single move that helps `src` most: fixes it outright with the smallest database, else moves the largest. */
function bestMove(src: Load, loads: Load[], fill: number, spread: number, moved: Set<string>): { db: DatabaseMetrics; to: Load } | undefined {
  // Only between pools of the same edition: anything else changes the service tier (see resize.ts).
  const targets = loads.filter((l) => l !== src && l.pool.edition === src.pool.edition);
  const candidates = src.dbs.filter((d) => !moved.has(d.name)).sort((a, b) => weight(b, src.pool) - weight(a, src.pool));
  const options: { db: DatabaseMetrics; to: Load; fixes: boolean }[] = [];
  for (const db of candidates) {
    const to = bestTarget(db, src, targets, loads, fill, spread);
    if (!to) continue;
    // Would src be in band without db?
    src.dbs.splice(src.dbs.indexOf(db), 1);
    to.dbs.push(db);
    const state = evaluate(loads, fill, spread);
    const fixes = state[loads.indexOf(src)].inBand;
    to.dbs.pop();
    src.dbs.push(db);
    options.push({ db, to, fixes });
  }
  const fixing = options.filter((o) => o.fixes);
  if (fixing.length > 0) return fixing[fixing.length - 1]; // smallest database that fixes it alone
  return options[0]; // otherwise the largest movable one
}

function weight(d: DatabaseMetrics, pool: PoolSpec): number {
  return Math.max(d.storageUsedGb / pool.maxDataGb, d.avgVCores / pool.vCores);
}

/** The least-loaded pool that stays within the fill target and limits after receiving db. */
function bestTarget(db: DatabaseMetrics, src: Load, targets: Load[], loads: Load[], fill: number, spread: number): Load | undefined {
  let best: Load | undefined;
  let bestU = Infinity;
  // Evaluate the fleet as it would be after the move: db out of its source.
  src.dbs.splice(src.dbs.indexOf(db), 1);
  for (const t of targets) {
    if (t.dbs.length + 1 > t.pool.maxDatabases) continue;
    if ((db.maxSizeGb ?? db.storageUsedGb) > perDatabaseMaxGb(t.pool)) continue;
    t.dbs.push(db);
    const u = util(t);
    const ok = u.storage <= fill && u.cpu <= fill;
    const inBand = evaluate(loads, fill, spread)[loads.indexOf(t)].inBand;
    t.dbs.pop();
    if (!ok || !inBand) continue;
    const d = dominant(u);
    if (d < bestU) {
      bestU = d;
      best = t;
    }
  }
  src.dbs.push(db);
  return best;
}
