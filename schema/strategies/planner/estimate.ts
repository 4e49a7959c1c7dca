// Pure estimates of both strategies from table statistics and the rates table, and the recommendation with
// its reasons. No database access: the same function runs on stats read live, on a snapshot, and in tests.
import { RATES, msFor, type EngineRates } from "./rates";
import type { LeafStats, LockWindow, Risk, StrategyEstimate, StrategyPlan, TableStats } from "./types";

/** New partition-aware unique indexes relative to the existing index set (2 new of the 3 existing: PK, rid+version, rid). */
export const NEW_INDEX_RATIO = 2 / 3;
/** Above this share of rows changed in place, the incremental backfill rewrites most of the table anyway. */
export const IN_PLACE_SHARE_LIMIT = 0.5;
/** Default leaves re-verified under the cutover lock (staging option verifyUnderLockMaxRows). */
import { DEFAULT_STAGING_OPTIONS } from "../staging/postgres";
export const VERIFY_UNDER_LOCK_MAX_ROWS = DEFAULT_STAGING_OPTIONS.verifyUnderLockMaxRows;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const WEIGHT = { low: 1, medium: 2, high: 3 } as const;

export function formatBytes(b: number): string {
  const u = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = b;
  while (Math.abs(v) >= 1024 && i < u.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${u[i]}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = s / 60;
  if (m < 120) return `${m.toFixed(1)} min`;
  const h = m / 60;
  if (h < 48) return `${h.toFixed(1)} h`;
  return `${(h / 24).toFixed(1)} d`;
}

interface Totals {
  rows: number;
  conformanceRows: number;
  heap: number;
  index: number;
  toast: number;
  leaves: number;
  conformanceHeap: number;
  conformanceIndex: number;
}

function totals(leaves: LeafStats[]): Totals {
  const share = (l: LeafStats) => (l.rows > 0 ? l.conformanceRows / l.rows : 0);
  return {
    rows: sum(leaves.map((l) => l.rows)),
    conformanceRows: sum(leaves.map((l) => l.conformanceRows)),
    heap: sum(leaves.map((l) => l.heapBytes)),
    index: sum(leaves.map((l) => l.indexBytes)),
    toast: sum(leaves.map((l) => l.toastBytes)),
    leaves: leaves.length,
    conformanceHeap: sum(leaves.map((l) => (l.heapBytes + l.toastBytes) * share(l))),
    conformanceIndex: sum(leaves.map((l) => l.indexBytes * share(l))),
  };
}

function longestBlocking(locks: LockWindow[]): { longestBlockingMs: number; longestBlockingWhat: string } {
  const top = locks.filter((l) => l.blocksWrites).reduce((a, b) => (b.ms > a.ms ? b : a));
  return { longestBlockingMs: top.ms, longestBlockingWhat: `${top.operation} (${top.mode} on ${top.scope})` };
}

function riskScore(risks: Risk[]): number {
  return sum(risks.map((r) => WEIGHT[r.level]));
}

function storageRisk(extra: number, stats: TableStats, what: string): { risk: Risk; feasible: boolean } {
  if (stats.freeBytes === undefined) {
    return { feasible: true, risk: { level: "medium", text: `free storage unknown: ${what} needs ${formatBytes(extra)} extra; check headroom first` } };
  }
  if (extra > stats.freeBytes) {
    return { feasible: false, risk: { level: "high", text: `${what} needs ${formatBytes(extra)} extra but only ${formatBytes(stats.freeBytes)} is free` } };
  }
  const share = extra / stats.freeBytes;
  return {
    feasible: true,
    risk: { level: share > 0.7 ? "medium" : "low", text: `${what} uses ${Math.round(share * 100)}% of the ${formatBytes(stats.freeBytes)} free` },
  };
}

export function estimateIncremental(stats: TableStats, r: EngineRates = RATES[stats.engine]): StrategyEstimate {
  const t = totals(stats.leaves);
  const pg = stats.engine === "postgres";
  const newIndexBytes = t.index * NEW_INDEX_RATIO;
  // PostgreSQL: every updated row leaves its old version (and non-HOT index entries) until vacuum.
  const deadBytes = pg ? t.conformanceHeap + t.conformanceIndex : 0;
  const extra = newIndexBytes + deadBytes;
  const phases = [
    { phase: "add partition_id (catalog-only default)", ms: r.catalogDdl.value, basis: "1 catalog DDL" },
    { phase: "2 partition-aware indexes, online", ms: 2 * msFor(t.rows, r.indexBuild), basis: `2 × ${t.rows} rows at ${r.indexBuild.value} rows/s` },
    { phase: "backfill conformance rows in place", ms: msFor(t.conformanceRows, r.updateBackfill), basis: `${t.conformanceRows} rows at ${r.updateBackfill.value} rows/s` },
    { phase: "validation", ms: msFor(t.rows, r.plainScan), basis: `${t.rows} rows at ${r.plainScan.value} rows/s` },
  ];
  const locks: LockWindow[] = [
    { operation: "ADD COLUMN partition_id", mode: pg ? "AccessExclusive" : "Sch-M", scope: stats.table, blocksWrites: true, count: 1, ms: r.catalogDdl.value },
    {
      operation: "online index build",
      mode: pg ? "ShareUpdateExclusive" : "S/Sch-M at start and end",
      scope: pg ? "one leaf at a time" : stats.table,
      blocksWrites: !pg,
      count: pg ? 2 * t.leaves : 4,
      ms: pg ? 2 * msFor(t.rows / Math.max(1, t.leaves), r.indexBuild) : r.catalogDdl.value,
    },
    {
      operation: "backfill batch",
      mode: pg ? "row locks (FOR UPDATE)" : "row X locks (≤ 4,000, below escalation)",
      scope: "the rows of one batch",
      blocksWrites: true,
      count: Math.ceil(t.conformanceRows / Math.max(1, (r.updateBackfill.value * r.batchTarget.value) / 1000)),
      ms: r.batchTarget.value,
    },
  ];
  const storage = storageRisk(extra, stats, "incremental (new indexes + dead row versions)");
  const risks: Risk[] = [storage.risk];
  const share = t.rows > 0 ? t.conformanceRows / t.rows : 0;
  if (pg && share > 0.2) risks.push({ level: share > IN_PLACE_SHARE_LIMIT ? "high" : "medium", text: `${Math.round(share * 100)}% of rows updated in place: bloat until vacuum` });
  else risks.push({ level: "low", text: `${Math.round(share * 100)}% of rows updated in place` });
  if (!pg) risks.push({ level: "medium", text: "online index builds over the whole dbo.Resource (resumable; Sch-M at start/end)" });
  risks.push({ level: "low", text: "rollback = reverse backfill, as long as the forward one" });
  return {
    strategy: "incremental",
    feasible: storage.feasible,
    durationMs: sum(phases.map((p) => p.ms)),
    phases,
    extraBytes: Math.round(extra),
    extraBasis: `new indexes ≈ ${NEW_INDEX_RATIO.toFixed(2)} × existing index bytes${pg ? " + the updated rows' old versions and index entries until vacuum" : ""}`,
    lockWindows: locks,
    ...longestBlocking(locks),
    rollback: `reverse backfill ≈ ${formatMs(msFor(t.conformanceRows, r.updateBackfill))} + index drops`,
    risks,
    riskScore: riskScore(risks),
  };
}

export function estimateStaging(stats: TableStats, r: EngineRates = RATES[stats.engine], verifyMaxRows = VERIFY_UNDER_LOCK_MAX_ROWS): StrategyEstimate {
  const t = totals(stats.leaves);
  const pg = stats.engine === "postgres";
  const newIndexBytes = t.index * NEW_INDEX_RATIO;
  // PostgreSQL rebuilds every leaf (the new indexes come with the staged leaves; nothing is built on the live
  // table). SQL Server stages only the conformance partitions: SWITCH needs identical tables, so dbo.Resource
  // gets PartitionId and the new indexes online first and the other rows keep the default partition 2.
  const staged = pg ? stats.leaves : stats.leaves.filter((l) => l.conformanceRows > 0);
  const copyRows = pg ? t.rows : t.conformanceRows;
  const extra = pg ? t.heap + t.toast + t.index + newIndexBytes : t.conformanceHeap + t.conformanceIndex * (1 + NEW_INDEX_RATIO) + newIndexBytes;
  const phases = [
    { phase: "setup (staging tables, sync trigger, CHECKs)", ms: r.catalogDdl.value * (1 + staged.length), basis: `${staged.length} partitions` },
    { phase: "validate leaf CHECKs (non-blocking scan)", ms: pg ? msFor(t.rows, r.plainScan) : 0, basis: pg ? `${t.rows} rows` : "not needed" },
    { phase: pg ? "copy every row into staging" : "copy conformance rows into staging", ms: msFor(copyRows, r.stagingCopy), basis: `${copyRows} rows at ${r.stagingCopy.value} rows/s` },
    { phase: "validate counts + content checksums", ms: 2 * msFor(copyRows, r.hashScan), basis: `2 × ${copyRows} rows at ${r.hashScan.value} rows/s` },
    { phase: "cutover, partition by partition", ms: staged.length * r.cutoverPerLeaf.value, basis: `${staged.length} × ${r.cutoverPerLeaf.value} ms` },
  ];
  if (!pg) {
    phases.unshift({ phase: "new indexes on dbo.Resource (SWITCH needs identical indexes)", ms: 2 * msFor(t.rows, r.indexBuild), basis: `2 × ${t.rows} rows at ${r.indexBuild.value} rows/s` });
  }
  const verified = staged.filter((l) => l.rows <= verifyMaxRows);
  const biggestVerified = Math.max(0, ...verified.map((l) => l.rows));
  const cutoverMs = r.cutoverPerLeaf.value + (pg ? 2 * msFor(biggestVerified, r.hashScan) : 0);
  const locks: LockWindow[] = [
    { operation: "ADD COLUMN partition_id", mode: pg ? "AccessExclusive" : "Sch-M", scope: stats.table, blocksWrites: true, count: 1, ms: r.catalogDdl.value },
    { operation: pg ? "sync trigger + CHECK on each leaf" : "sync trigger on dbo.Resource", mode: pg ? "ShareRowExclusive" : "Sch-M", scope: pg ? "one leaf" : stats.table, blocksWrites: true, count: pg ? t.leaves : 1, ms: r.catalogDdl.value },
    {
      operation: "copy batch",
      mode: pg ? "row share locks (FOR SHARE)" : "S locks on the rows read",
      scope: "the rows of one batch (their UPDATE/DELETE waits)",
      blocksWrites: true,
      count: Math.ceil(copyRows / Math.max(1, (r.stagingCopy.value * r.batchTarget.value) / 1000)),
      ms: r.batchTarget.value,
    },
    {
      operation: pg ? "cutover: DETACH + ATTACH" : "cutover: SWITCH PARTITION ×2 in one transaction",
      mode: pg ? "AccessExclusive" : "Sch-M",
      scope: pg ? "fhir.resource, all types (DETACH locks the parent)" : "dbo.Resource (Sch-M for the SWITCH)",
      blocksWrites: true,
      count: staged.length,
      ms: cutoverMs,
    },
  ];
  const storage = storageRisk(extra, stats, pg ? "staging (a full second copy)" : "staging (copy of the conformance partitions + new indexes)");
  const risks: Risk[] = [storage.risk];
  risks.push({ level: "medium", text: "every write during the copy is written twice (sync trigger)" });
  risks.push({ level: "medium", text: `${staged.length} exclusive cutover locks (short, lock_timeout + retry): reads and writes pause${pg ? " on the whole table (DETACH locks the parent)" : " on that partition"}` });
  if (!pg) risks.push({ level: "high", text: "SQL Server: SWITCH requires identical indexes, so dbo.Resource still needs the online index builds" });
  risks.push({ level: "low", text: "rollback = switch back per leaf (milliseconds) until the retired leaves are dropped" });
  return {
    strategy: "staging",
    feasible: storage.feasible,
    durationMs: sum(phases.map((p) => p.ms)),
    phases,
    extraBytes: Math.round(extra),
    extraBasis: pg
      ? "heap + TOAST + indexes of every leaf, plus the new indexes, until the retired leaves are dropped"
      : "the conformance partitions once more (with the new indexes) + the new indexes on dbo.Resource",
    lockWindows: locks,
    ...longestBlocking(locks),
    rollback: `switch back: ${staged.length} × ≈ ${formatMs(r.cutoverPerLeaf.value)} (available until the retired leaves are dropped)`,
    risks,
    riskScore: riskScore(risks),
  };
}

/** Estimates both strategies and recommends one (or reports on the forced one), with reasons. */
export function planStrategies(stats: TableStats, mode: "auto" | "incremental" | "staging" = "auto", rates: EngineRates = RATES[stats.engine]): StrategyPlan {
  const inc = estimateIncremental(stats, rates);
  const stg = estimateStaging(stats, rates);
  const t = totals(stats.leaves);
  const share = t.rows > 0 ? t.conformanceRows / t.rows : 0;
  const reasons: string[] = [];
  let recommended: "incremental" | "staging";
  if (!stg.feasible) {
    recommended = "incremental";
    reasons.push(`staging is not feasible: ${stg.risks[0].text}`);
  } else if (!inc.feasible) {
    recommended = "staging";
    reasons.push(`incremental is not feasible: ${inc.risks[0].text}`);
  } else if (stats.engine === "postgres" && share > IN_PLACE_SHARE_LIMIT) {
    recommended = "staging";
    reasons.push(
      `${Math.round(share * 100)}% of the rows would be updated in place (> ${IN_PLACE_SHARE_LIMIT * 100}%): a rebuild into staging writes each row once, leaves no bloat and rolls back by switching`,
    );
  } else if (stg.durationMs < inc.durationMs && stg.riskScore <= inc.riskScore) {
    recommended = "staging";
    reasons.push(`staging is estimated faster (${formatMs(stg.durationMs)} vs ${formatMs(inc.durationMs)}) at no more risk`);
  } else {
    recommended = "incremental";
    reasons.push(
      `incremental moves only the ${t.conformanceRows} conformance rows (${Math.round(share * 100)}% of ${t.rows}) in place; staging copies all ${t.rows} rows`,
    );
    reasons.push(`estimated ${formatMs(inc.durationMs)} vs ${formatMs(stg.durationMs)}, extra storage ${formatBytes(inc.extraBytes)} vs ${formatBytes(stg.extraBytes)}`);
    reasons.push(
      `longest write-blocking lock ${formatMs(inc.longestBlockingMs)}: ${inc.longestBlockingWhat} vs ${formatMs(stg.longestBlockingMs)}: ${stg.longestBlockingWhat}`,
    );
  }
  if (stg.feasible && inc.feasible) reasons.push(`choose staging instead when an instant rollback matters: ${stg.rollback}`);
  if (mode !== "auto" && mode !== recommended) reasons.unshift(`forced: --strategy ${mode} (the planner would pick ${recommended})`);
  if (mode !== "auto" && !(mode === "staging" ? stg : inc).feasible) reasons.unshift(`warning: the forced strategy ${mode} is not feasible with the known free storage`);
  return { stats, estimates: [inc, stg], recommended, chosen: mode === "auto" ? recommended : mode, mode, reasons };
}
