// Both fhir-partitioning strategies on the same data in one run (two identical databases on one embedded
// PostgreSQL): duration, peak extra storage, longest lock held, and the stall a concurrent writer saw, printed
// next to the planner's estimates; then the rates measured here next to the rates table the planner uses.
// Rows: BENCH_STRATEGIES_ROWS (default 500,000).
import { startEmbeddedPostgres } from "../schema/embedded-pg";
import { postgresDialect } from "../schema/dialects/postgres";
import { seedDemoResources } from "../schema/demo";
import { buildSet } from "../schema/sets";
import { DEFAULT_CONFORMANCE_TYPES } from "../schema/sets/fhir-partitioning/options";
import { applyStrategy, buildStrategySet, type StrategyName } from "../schema/strategies";
import { formatBytes, formatMs, planStrategies } from "../schema/strategies/planner/estimate";
import { RATES } from "../schema/strategies/planner/rates";
import { readPostgresStats } from "../schema/strategies/planner/stats";
import type { StrategyEstimate } from "../schema/strategies/planner/types";
import { swapRows } from "../schema/strategies/staging/retire";
import type { DbSession, RunnerEvent } from "../schema/types";

const CONFORMANCE = [...DEFAULT_CONFORMANCE_TYPES];

interface Measured {
  strategy: StrategyName;
  durationMs: number;
  peakExtraBytes: number;
  longestLockMs: number;
  longestLockWhat: string;
  writerMaxMs: number;
  writerP99Ms: number;
  writerOps: number;
  stepMs: Record<string, number>;
  estimate: StrategyEstimate;
  rows: number;
  conformanceRows: number;
}

function p99(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))];
}

async function dbSize(s: DbSession): Promise<number> {
  return Number((await s.query<{ b: string }>("SELECT pg_database_size(current_database())::text AS b")).rows[0].b);
}

async function runOne(url: string, strategy: StrategyName): Promise<Measured> {
  const connect = () => postgresDialect.connect({ engine: "postgres", url });
  const [s, sampler, writer] = [await connect(), await connect(), await connect()];
  try {
    await s.query("VACUUM ANALYZE fhir.resource");
    const stats = await readPostgresStats(s, CONFORMANCE);
    const estimate = planStrategies(stats, strategy).estimates.find((e) => e.strategy === strategy)!;
    const rows = stats.leaves.reduce((a, l) => a + l.rows, 0);
    const conformanceRows = stats.leaves.reduce((a, l) => a + l.conformanceRows, 0);
    const baseline = await dbSize(sampler);
    let peak = baseline;
    let stop = false;
    const sampling = (async () => {
      while (!stop) {
        peak = Math.max(peak, await dbSize(sampler));
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    // A concurrent application: one small write at a time (insert a new resource, update an existing one).
    const latencies: number[] = [];
    // Inserts are clinical types only: a writer of new conformance rows needs the app version that sets partition_id
    // deployed first (expand/contract, research §7.4), for either strategy.
    const types = (
      await s.query<{ id: number }>("SELECT resource_type_id AS id FROM fhir.resource_type WHERE NOT (name = ANY($1::text[])) ORDER BY 1", [CONFORMANCE])
    ).rows.map((x) => x.id);
    const writing = (async () => {
      for (let i = 0; !stop; i++) {
        const t = types[i % types.length];
        const t0 = performance.now();
        if (i % 2 === 0) {
          await writer.query(
            "INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource) VALUES ($1, 'bench-' || $2::text, 1, false, false, '\\x01'::bytea)",
            [t, i],
          );
        } else {
          await writer.query(
            "UPDATE fhir.resource SET search_param_hash = md5($2::text) WHERE resource_type_id = $1 AND resource_surrogate_id = (SELECT resource_surrogate_id FROM fhir.resource WHERE resource_type_id = $1 ORDER BY resource_surrogate_id LIMIT 1)",
            [t, i],
          );
        }
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const stepMs: Record<string, number> = {};
    let last = performance.now();
    let maxBatchMs = 0;
    const onEvent = (e: RunnerEvent) => {
      if (e.type === "step" && e.state !== "running" && e.migrationId.startsWith("0002")) {
        const now = performance.now();
        stepMs[e.step] = now - last;
        last = now;
      }
      if (e.type === "migration" && e.state === "running" && e.migrationId.startsWith("0002")) last = performance.now();
      if (e.type === "backfill") maxBatchMs = Math.max(maxBatchMs, e.batchMs);
    };
    const set = buildStrategySet(strategy, "postgres");
    const t0 = performance.now();
    const result = await applyStrategy(s, set, { onEvent }).finally(() => {
      stop = true;
    });
    const durationMs = performance.now() - t0;
    await Promise.all([sampling, writing]);
    if (result.state !== "completed") throw new Error(`${strategy}: ended ${result.state}`);
    let longestLockMs: number;
    let longestLockWhat: string;
    if (strategy === "staging") {
      const swaps = await swapRows(s);
      longestLockMs = Math.max(...swaps.map((x) => x.lockMs ?? 0), maxBatchMs);
      longestLockWhat = longestLockMs === maxBatchMs ? "copy batch (FOR SHARE rows)" : "cutover AccessExclusive (one leaf)";
      stepMs["cutover (avg per leaf, under lock)"] = swaps.reduce((a, x) => a + (x.lockMs ?? 0), 0) / swaps.length;
    } else {
      const ddl = stepMs["partition-id-column"] ?? 0;
      longestLockMs = Math.max(ddl, maxBatchMs);
      longestLockWhat = longestLockMs === maxBatchMs ? "backfill batch (row locks)" : "ADD COLUMN AccessExclusive";
    }
    return {
      strategy,
      durationMs,
      peakExtraBytes: peak - baseline,
      longestLockMs,
      longestLockWhat,
      writerMaxMs: Math.max(...latencies),
      writerP99Ms: p99(latencies),
      writerOps: latencies.length,
      stepMs,
      estimate,
      rows,
      conformanceRows,
    };
  } finally {
    await Promise.all([s.close(), sampler.close(), writer.close()]);
  }
}

function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join("  ").trimEnd()).join("\n");
}

function rate(rows: number, ms: number | undefined): string {
  return ms && ms > 0 ? `${Math.round((rows * 1000) / ms)} rows/s` : "-";
}

export async function run(): Promise<void> {
  const n = Number(process.env.BENCH_STRATEGIES_ROWS ?? 500_000);
  const pg = await startEmbeddedPostgres();
  try {
    const admin = await postgresDialect.connect({ engine: "postgres", url: pg.url });
    try {
      for (const db of ["bench_incremental", "bench_staging"]) await admin.query(`CREATE DATABASE ${db}`);
    } finally {
      await admin.close();
    }
    for (const db of ["bench_incremental", "bench_staging"]) {
      const s = await postgresDialect.connect({ engine: "postgres", url: pg.urlFor(db) });
      try {
        await seedDemoResources(s, buildSet("fhir-partitioning", "postgres"), n, CONFORMANCE);
      } finally {
        await s.close();
      }
    }
    const inc = await runOne(pg.urlFor("bench_incremental"), "incremental");
    const stg = await runOne(pg.urlFor("bench_staging"), "staging");
    console.log(`fhir-partitioning strategies on ${n} rows (${inc.conformanceRows} conformance), same data, one embedded PostgreSQL 18, a concurrent writer`);
    console.log(
      table([
        ["metric", "incremental measured", "incremental estimate", "staging measured", "staging estimate"],
        ["duration", formatMs(inc.durationMs), formatMs(inc.estimate.durationMs), formatMs(stg.durationMs), formatMs(stg.estimate.durationMs)],
        ["peak extra storage", formatBytes(inc.peakExtraBytes), formatBytes(inc.estimate.extraBytes), formatBytes(stg.peakExtraBytes), formatBytes(stg.estimate.extraBytes)],
        ["longest write-blocking lock", `${formatMs(inc.longestLockMs)} (${inc.longestLockWhat})`, formatMs(inc.estimate.longestBlockingMs), `${formatMs(stg.longestLockMs)} (${stg.longestLockWhat})`, formatMs(stg.estimate.longestBlockingMs)],
        ["writer max / p99 latency", `${formatMs(inc.writerMaxMs)} / ${formatMs(inc.writerP99Ms)} (${inc.writerOps} ops)`, "-", `${formatMs(stg.writerMaxMs)} / ${formatMs(stg.writerP99Ms)} (${stg.writerOps} ops)`, "-"],
      ]),
    );
    console.log(`ratio staging/incremental: duration ×${(stg.durationMs / inc.durationMs).toFixed(2)}, peak extra storage ×${(stg.peakExtraBytes / Math.max(1, inc.peakExtraBytes)).toFixed(2)}`);
    const r = RATES.postgres;
    const idxMs = ((inc.stepMs["index-ix_resource_partition_rid_ver"] ?? 0) + (inc.stepMs["index-ix_resource_partition_rid"] ?? 0)) / 2;
    console.log("\nmeasured rates vs schema/strategies/planner/rates.ts (postgres):");
    console.log(
      table([
        ["rate", "measured here", "rates table"],
        ["updateBackfill", rate(inc.conformanceRows, inc.stepMs["conformance-backfill"]), `${r.updateBackfill.value} rows/s`],
        ["indexBuild (per index)", rate(inc.rows, idxMs), `${r.indexBuild.value} rows/s`],
        ["stagingCopy", rate(stg.rows, stg.stepMs["copy"]), `${r.stagingCopy.value} rows/s`],
        ["hashScan (validate-staging reads 2× rows)", rate(2 * stg.rows, stg.stepMs["validate-staging"]), `${r.hashScan.value} rows/s`],
        ["plainScan (validate-leaf-checks)", rate(stg.rows, stg.stepMs["validate-leaf-checks"]), `${r.plainScan.value} rows/s`],
        ["catalogDdl (partition-id-column step)", formatMs(inc.stepMs["partition-id-column"] ?? 0), `${r.catalogDdl.value} ms`],
        ["cutoverPerLeaf (lock held)", formatMs(stg.stepMs["cutover (avg per leaf, under lock)"] ?? 0), `${r.cutoverPerLeaf.value} ms`],
      ]),
    );
    console.log("\nstep times (ms):");
    for (const m of [inc, stg]) console.log(`  ${m.strategy}: ${Object.entries(m.stepMs).map(([k, v]) => `${k}=${Math.round(v)}`).join(", ")}`);
  } finally {
    await pg.stop();
  }
}
