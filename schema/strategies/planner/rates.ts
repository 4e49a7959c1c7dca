// The one table of throughput rates the strategy planner estimates from. Each rate says where it comes from;
// PostgreSQL rates are measured by `npm run bench strategies` (bench/strategies.bench.ts prints the measured
// value next to the one used here, so drift is visible). SQL Server rates are planning numbers from the seeds
// and research/migrations.md §6.1 — unverified, no SQL Server was available.
import type { Engine } from "../../types";

export interface Rate {
  value: number;
  unit: "rows/s" | "ms";
  source: string;
}

export interface EngineRates {
  /** Key-range UPDATE backfill (incremental), rows changed per second. */
  updateBackfill: Rate;
  /** Staging copy (INSERT … SELECT with index maintenance on the staging leaf), rows per second. */
  stagingCopy: Rate;
  /** Online index build (CREATE INDEX CONCURRENTLY per leaf / ONLINE=ON), rows per second per index. */
  indexBuild: Rate;
  /** Full read with a content hash (validation), rows per second. */
  hashScan: Rate;
  /** Constraint validation / count scan, rows per second. */
  plainScan: Rate;
  /** One catalog-only DDL statement under its lock (ADD COLUMN with a constant default, ATTACH with CHECK). */
  catalogDdl: Rate;
  /** One leaf's cutover (DETACH + ATTACH + renames + triggers) under AccessExclusive / one SWITCH pair. */
  cutoverPerLeaf: Rate;
  /** Target duration of one backfill batch (row locks held that long). */
  batchTarget: Rate;
}

const BENCH =
  "measured: `npm run bench strategies` (500k rows, a concurrent writer, embedded PostgreSQL 18, 2 vCPU dev box shared with other jobs, 2026-11-25; runs vary ±30%)";

export const RATES: Record<Engine, EngineRates> = {
  postgres: {
    updateBackfill: {
      value: 12_000,
      unit: "rows/s",
      source: `${BENCH}: 11.8k–15.6k rows/s over three runs; research/migrations.md §6.2 saw 55k rows/s on PG 15 without concurrent writes and ≥ 5k-row batches`,
    },
    stagingCopy: { value: 15_000, unit: "rows/s", source: `${BENCH}: 12.4k–18.0k rows/s over three runs (INSERT … SELECT FOR SHARE, 5 indexes on the staging leaf)` },
    indexBuild: { value: 125_000, unit: "rows/s", source: `${BENCH}: 122k–171k rows/s per index over three runs (CREATE INDEX CONCURRENTLY per leaf)` },
    hashScan: { value: 90_000, unit: "rows/s", source: `${BENCH}: 69k–93k rows/s over three runs (hashtextextended over the row text)` },
    plainScan: { value: 300_000, unit: "rows/s", source: `${BENCH}: 261k–372k rows/s over three runs (VALIDATE CONSTRAINT)` },
    catalogDdl: { value: 100, unit: "ms", source: `${BENCH}: 32–189 ms per catalog-only DDL step (incl. the ledger writes and the wait behind the writer)` },
    cutoverPerLeaf: { value: 15, unit: "ms", source: `${BENCH}: 10–21 ms lock held per leaf (DETACH + ATTACH + renames + triggers), no under-lock re-hash` },
    batchTarget: { value: 300, unit: "ms", source: "schema/backfill.ts default targetBatchMs (pt-osc 500 ms, research §7.4)" },
  },
  mssql: {
    updateBackfill: { value: 2_500, unit: "rows/s", source: "seed 001: 10k rows per 3–5 s batch ≈ 2–3k rows/s (unverified claim, research §3.3)" },
    stagingCopy: { value: 2_000, unit: "rows/s", source: "seed 000: 10k rows per ~5 s batch (unverified claim)" },
    indexBuild: { value: 100_000, unit: "rows/s", source: "seed 001: 1 B rows indexed online in 2–4 h ≈ 70–140k rows/s (unverified claim)" },
    hashScan: { value: 200_000, unit: "rows/s", source: "assumption: 1/5 of the index-build scan rate; verify with the MSSQL_URL contract suite" },
    plainScan: { value: 1_000_000, unit: "rows/s", source: "assumption; verify on Azure SQL" },
    catalogDdl: { value: 50, unit: "ms", source: "assumption: Sch-M catalog change on Azure SQL, excluding the wait for the lock" },
    cutoverPerLeaf: { value: 50, unit: "ms", source: "seed 000: partition SWITCH is a metadata operation (milliseconds); unverified" },
    batchTarget: { value: 300, unit: "ms", source: "schema/backfill.ts default targetBatchMs; batches capped at 4,000 rows (lock escalation at 5,000)" },
  },
};

/** ms to process `rows` at a rows/s rate. */
export function msFor(rows: number, rate: Rate): number {
  if (rate.unit !== "rows/s") throw new Error(`rate in ${rate.unit} used as rows/s`);
  return Math.round((rows / rate.value) * 1000);
}
