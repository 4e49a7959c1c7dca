// Fleet rollout benchmark (issue 13): fhir-partitioning over a fleet of customer databases (default 24 × 200,000
// resources, ~10 % conformance rows to move), read from stack files like `schema rollout` does (3 elastic pools +
// Hyperscale), on one embedded PostgreSQL. Two runs on identical copies of the same seeded database:
//   fleet      — waves (canary + 25 % batches), --concurrency 4, one database per elastic pool at a time;
//   one by one — the same waves with --concurrency 1 (each database alone on the server).
// Prints the wall time of each and their ratio, the fleet's aggregate rows/s vs one database alone, and the
// per-database backfill rows/s in the fleet vs alone, side by side. Sizes: ROLLOUT_BENCH_DATABASES (default 24),
// ROLLOUT_BENCH_ROWS (default 200,000), ROLLOUT_BENCH_CONCURRENCY (default 4). Own server, stopped at the end.
import { templateConnector } from "../schema/fleet/connect";
import { rollout } from "../schema/fleet/rollout";
import { fleetTargets } from "../schema/fleet/source";
import { planWaves } from "../schema/fleet/waves";
import type { FleetEvent } from "../schema/fleet/types";
import { seedDemoResources } from "../schema/demo";
import { postgresDialect } from "../schema/dialects/postgres";
import { exec } from "./exec";
import { startEmbeddedPostgres } from "../schema/embedded-pg";
import { buildSet } from "../schema/sets";
import { Fleet } from "../stacks/fleet-model";
import { createScratchFleet, SCRATCH_ENV, type ScratchCustomer } from "../test/support/scratch-fleet";

const DATABASES = Number(process.env.ROLLOUT_BENCH_DATABASES ?? 24);
const ROWS = Number(process.env.ROLLOUT_BENCH_ROWS ?? 200_000);
const CONCURRENCY = Number(process.env.ROLLOUT_BENCH_CONCURRENCY ?? 4);
const SET = "fhir-partitioning";
const TEMPLATE = "bench_rollout_template";
// gp-01, gp-02, bc-01 and Hyperscale in turn: each 25 % wave holds several databases of the same pool.
const POOL_CYCLE = ["gp-01", "gp-02", "bc-01", "hyperscale", "gp-01", "gp-02"];


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface RunStats {
  name: string;
  wallMs: number;
  rowsMoved: number;
  /** Per database: whole-set wall time and backfill-step rows/s. */
  perDbMs: number[];
  perDbBackfillRowsPerSec: number[];
  maxPerPool: number;
  maxRunning: number;
}

async function runOnce(name: string, adminUrl: string, customers: ScratchCustomer[], concurrency: number): Promise<RunStats> {
  const fleet = await createScratchFleet(adminUrl, customers, async () => undefined, { template: TEMPLATE });
  try {
    const targets = fleetTargets(new Fleet(fleet.root), SCRATCH_ENV, SET);
    if (targets.length !== customers.length) throw new Error(`${name}: ${targets.length} targets from the stack files, expected ${customers.length}`);
    const waves = planWaves(targets, { batchPercent: 25 });
    const startedAt = new Map<string, number>();
    const backfillAt = new Map<string, number>();
    const perDbMs: number[] = [];
    const perDbBackfillRowsPerSec: number[] = [];
    const running = new Map<string, number>();
    let maxPerPool = 0;
    let now = 0;
    let maxRunning = 0;
    const onEvent = (e: FleetEvent) => {
      const t = Date.now();
      if (e.type === "db-start") {
        startedAt.set(e.db, t);
        running.set(e.pool, (running.get(e.pool) ?? 0) + 1);
        maxPerPool = Math.max(maxPerPool, running.get(e.pool)!);
        maxRunning = Math.max(maxRunning, ++now);
      } else if (e.type === "db-end" && e.outcome !== "skipped") {
        running.set(e.pool, running.get(e.pool)! - 1);
        now--;
        perDbMs.push(t - startedAt.get(e.db)!);
      } else if (e.type === "db-progress" && e.event.type === "step" && e.event.step === "conformance-backfill") {
        if (e.event.state === "running") backfillAt.set(e.db, t);
        if (e.event.state === "done") perDbBackfillRowsPerSec.push((ROWS / 10) / ((t - backfillAt.get(e.db)!) / 1000));
      }
    };
    const t0 = Date.now();
    const r = await rollout({ setName: SET, waves, connector: templateConnector(fleet.urlTemplate), concurrency, perPool: 1, onEvent });
    const wallMs = Date.now() - t0;
    if (r.state !== "completed") throw new Error(`${name}: rollout ${r.state}: ${r.databases.filter((d) => d.error).map((d) => `${d.id}: ${d.error}`).join("; ")}`);
    // Work really done: every database has exactly its conformance rows in partition 1.
    for (const c of customers) {
      const s = await postgresDialect.connect({ engine: "postgres", url: fleet.urlOf(c.customer) });
      try {
        const n = Number((await s.query<{ n: string }>("SELECT count(*)::text AS n FROM fhir.resource WHERE partition_id = 1")).rows[0].n);
        if (n !== ROWS / 10) throw new Error(`${name}: ${c.customer} has ${n} rows in partition 1, expected ${ROWS / 10}`);
      } finally {
        await s.close();
      }
    }
    return { name, wallMs, rowsMoved: r.databases.reduce((a, d) => a + d.rowsMoved, 0), perDbMs, perDbBackfillRowsPerSec, maxPerPool, maxRunning };
  } finally {
    await fleet.dispose();
  }
}

export async function run(): Promise<void> {
  const pg = await startEmbeddedPostgres({ settings: { max_wal_size: "4GB", checkpoint_timeout: "30min" } });
  try {
    const customers: ScratchCustomer[] = Array.from({ length: DATABASES }, (_, i) => ({ customer: `c${String(i).padStart(2, "0")}`, pool: POOL_CYCLE[i % POOL_CYCLE.length], sizeGb: 10 + i }));
    await exec(pg.url, `CREATE DATABASE ${TEMPLATE}`);
    let t0 = Date.now();
    const s = await postgresDialect.connect({ engine: "postgres", url: pg.urlFor(TEMPLATE) });
    try {
      const set = buildSet(SET, "postgres");
      await seedDemoResources(s, set, ROWS, set.options.conformanceTypes as string[]);
      await s.query("VACUUM ANALYZE fhir.resource");
    } finally {
      await s.close();
    }
    console.log(`seeded the template: ${ROWS.toLocaleString()} resources (${(ROWS / 10).toLocaleString()} conformance) in ${((Date.now() - t0) / 1000).toFixed(0)} s; ${DATABASES} databases per run (copies), pools ${[...new Set(customers.map((c) => c.pool))].join(", ")}`);
    t0 = Date.now();
    const fleet = await runOnce(`fleet (concurrency ${CONCURRENCY}, 1 per pool)`, pg.url, customers, CONCURRENCY);
    const serial = await runOnce("one by one (concurrency 1)", pg.url, customers, 1);
    console.log(`both runs in ${((Date.now() - t0) / 1000).toFixed(0)} s (database copies included)\n`);

    const rowsPerSec = (r: RunStats) => r.rowsMoved / (r.wallMs / 1000);
    console.log("run                                 wall s   rows moved  fleet rows/s  median db s  median backfill rows/s/db  max running  max per pool");
    for (const r of [fleet, serial]) {
      console.log(
        `${r.name.padEnd(35)} ${(r.wallMs / 1000).toFixed(1).padEnd(8)} ${String(r.rowsMoved).padEnd(11)} ${Math.round(rowsPerSec(r)).toString().padEnd(13)} ${(median(r.perDbMs) / 1000).toFixed(2).padEnd(12)} ${Math.round(median(r.perDbBackfillRowsPerSec)).toString().padEnd(25)} ${String(r.maxRunning).padEnd(12)} ${r.maxPerPool}`,
      );
    }
    // One database alone = a database of the one-by-one run (nothing else runs on the server meanwhile).
    const alone = ROWS / 10 / (median(serial.perDbMs) / 1000);
    console.log("");
    console.log(`wall time            fleet ${(fleet.wallMs / 1000).toFixed(1)} s | one by one ${(serial.wallMs / 1000).toFixed(1)} s | one-by-one / fleet = ${(serial.wallMs / fleet.wallMs).toFixed(2)}`);
    console.log(`rows/s               fleet ${Math.round(rowsPerSec(fleet))} | one database alone ${Math.round(alone)} (its rows / its own wall time) | fleet / alone = ${(rowsPerSec(fleet) / alone).toFixed(2)}`);
    console.log(`backfill rows/s/db   in the fleet ${Math.round(median(fleet.perDbBackfillRowsPerSec))} | alone ${Math.round(median(serial.perDbBackfillRowsPerSec))} | fleet / alone = ${(median(fleet.perDbBackfillRowsPerSec) / median(serial.perDbBackfillRowsPerSec)).toFixed(2)} (median per database)`);
    console.log(`pool limit           max databases at once in one pool: fleet ${fleet.maxPerPool}, one by one ${serial.maxPerPool} (limit 1)`);
  } finally {
    await pg.stop();
  }
}
