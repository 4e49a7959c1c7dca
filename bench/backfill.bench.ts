// Backfill benchmark (DESIGN.md §9): the runner's batched key-range backfill against one single-statement UPDATE
// of the same rows, on identical copies of a 2,000,000-row resource store (~10% conformance types), each with the
// same concurrent single-row write workload. Prints rows/s of each and their ratio, p50/p99 batch duration, and
// p50/p99 write latency during each. Targets: ratio ≥ 0.6, p99 batch ≤ 500 ms, write p99 ≤ 50 ms (backfill).
// Own embedded PostgreSQL, stopped at the end. Size with BACKFILL_BENCH_ROWS (default 2,000,000).
import { startEmbeddedPostgres } from "../schema/embedded-pg";
import { runBackfill } from "../schema/backfill";
import { seedDemoResources, DEMO_CLINICAL_TYPES } from "../schema/demo";
import { postgresDialect } from "../schema/dialects/postgres";
import { exec } from "./exec";
import { Ledger } from "../schema/ledger";
import { applySet } from "../schema/runner";
import { buildSet } from "../schema/sets";
import type { DbSession } from "../schema/types";

const ROWS = Number(process.env.BACKFILL_BENCH_ROWS ?? 2_000_000);
const TEMPLATE = "bench_backfill_template";
const WRITES_PER_SEC = 200;

function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");

interface WriterStats {
  latencies: number[];
  stop: () => Promise<void>;
}

/**
 * Single-row writes on uniformly random rows (so ~10% touch conformance rows being moved), paced at WRITES_PER_SEC
 * so both strategies face the same offered load (an unpaced writer would steal a core only while it is not
 * blocked, i.e. only during the batched run).
 */
async function startWriter(url: string, typeOf: (g: number) => number): Promise<WriterStats> {
  const s = await postgresDialect.connect({ engine: "postgres", url });
  const latencies: number[] = [];
  let running = true;
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
  const loop = (async () => {
    while (running) {
      const g = 1 + Math.floor(rand() * ROWS);
      const t0 = process.hrtime.bigint();
      await s.query("UPDATE fhir.resource SET search_param_hash = $3 WHERE resource_type_id = $1 AND resource_id = $2 AND version = 1", [typeOf(g), `r${g}`, `w${g}`]);
      const took = Number(process.hrtime.bigint() - t0) / 1e6;
      latencies.push(took);
      if (took < 1000 / WRITES_PER_SEC) await new Promise((r) => setTimeout(r, 1000 / WRITES_PER_SEC - took));
    }
  })();
  return {
    latencies,
    stop: async () => {
      running = false;
      await loop;
      await s.close();
    },
  };
}


export async function run(): Promise<void> {
  const pg = await startEmbeddedPostgres({ settings: { max_wal_size: "4GB", checkpoint_timeout: "30min" } });
  try {
    const set = buildSet("fhir-partitioning", "postgres");
    const conformance = set.options.conformanceTypes as string[];
    await exec(pg.url, `CREATE DATABASE ${TEMPLATE}`);
    const tmplUrl = pg.urlFor(TEMPLATE);
    let t0 = Date.now();
    const s0 = await postgresDialect.connect({ engine: "postgres", url: tmplUrl });
    let typeIds: Map<string, number>;
    try {
      await seedDemoResources(s0, set, ROWS, conformance);
      // Everything up to the backfill (lookup table, column, online indexes), so both runs start identical.
      let ready = false;
      await applySet(s0, set, {
        onEvent: (e) => (e.type === "step" && e.step === "index-ix_resource_partition_rid" && e.state === "done" ? (ready = true) : undefined),
        shouldPause: () => ready,
      });
      await s0.query("VACUUM ANALYZE fhir.resource");
      typeIds = new Map((await s0.query<{ name: string; id: number }>("SELECT name, resource_type_id AS id FROM fhir.resource_type")).rows.map((r) => [r.name, Number(r.id)]));
    } finally {
      await s0.close();
    }
    console.log(`prepared ${ROWS.toLocaleString()} rows (${(ROWS / 10).toLocaleString()} conformance) with online indexes in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    // Same type assignment as the demo seeder (ids in ascending order; g % 10 = 0 → conformance).
    const conf = conformance.map((n) => typeIds.get(n)!).sort((a, b) => a - b);
    const clin = DEMO_CLINICAL_TYPES.map((n) => typeIds.get(n)!).sort((a, b) => a - b);
    const typeOf = (g: number) => (g % 10 === 0 ? conf[Math.floor(g / 10) % conf.length] : clin[g % clin.length]);

    const results: { name: string; rows: number; ms: number; batches: number[]; writes: number[] }[] = [];
    // A B B A: load on a shared machine drifts; alternating cancels a linear drift between the two strategies.
    for (const strategy of ["batched backfill (runner)", "single UPDATE", "single UPDATE", "batched backfill (runner)"] as const) {
      const db = strategy.startsWith("batched") ? "bench_batched" : "bench_single";
      await exec(pg.url, `CREATE DATABASE ${db} TEMPLATE ${TEMPLATE}`);
      const url = pg.urlFor(db);
      const s: DbSession = await postgresDialect.connect({ engine: "postgres", url });
      const writer = await startWriter(url, typeOf);
      await new Promise((r) => setTimeout(r, 500)); // writer warm-up
      const before = writer.latencies.length;
      t0 = Date.now();
      let rows = 0;
      const batches: number[] = [];
      if (strategy.startsWith("batched")) {
        const task = set.migrations[1].steps.find((x) => x.kind === "backfill")!.backfill!;
        const out = await runBackfill({
          session: s,
          ledger: new Ledger(s),
          setName: set.name,
          migrationId: set.migrations[1].id,
          task,
          direction: "forward",
          opts: {
            onEvent: (e) => {
              if (e.type === "backfill") batches.push(e.batchMs);
              if (process.env.BACKFILL_BENCH_VERBOSE && e.type === "backfill") console.log(`  ${e.task} size ${e.batchSize} ${e.batchMs} ms`);
            },
          },
        });
        rows = out.rowsMoved;
      } else {
        const r = await s.query("UPDATE fhir.resource SET partition_id = 1 WHERE resource_type_id = ANY($1::int[]) AND partition_id <> 1", [conf]);
        rows = r.rowCount;
        batches.push(Date.now() - t0);
      }
      const ms = Date.now() - t0;
      // Stop first: a write blocked behind the UPDATE completes only now and must be counted.
      await writer.stop();
      const writes = writer.latencies.slice(before);
      const check = await s.query<{ n: string; w: string }>(
        "SELECT count(*) FILTER (WHERE partition_id = 1)::text AS n, count(*) FILTER (WHERE search_param_hash LIKE 'w%')::text AS w FROM fhir.resource",
      );
      // The write workload must have hit real rows (a wrong type id would update nothing and measure nothing).
      if (Number(check.rows[0].w) < 0.5 * writer.latencies.length) throw new Error(`${strategy}: the writer updated only ${check.rows[0].w} rows for ${writer.latencies.length} writes`);
      await s.close();
      if (Number(check.rows[0].n) !== ROWS / 10 || rows !== ROWS / 10) throw new Error(`${strategy}: moved ${rows}, partition 1 has ${check.rows[0].n}; expected ${ROWS / 10}`);
      results.push({ name: strategy, rows, ms, batches, writes });
      await exec(pg.url, `DROP DATABASE ${db} WITH (FORCE)`);
    }

    console.log("");
    console.log("strategy                             rows      seconds  rows/s     batches  p50 batch ms  p99 batch ms  writes  write p50 ms  write p99 ms");
    for (const r of results) {
      console.log(
        `${r.name.padEnd(36)} ${String(r.rows).padEnd(9)} ${(r.ms / 1000).toFixed(2).padEnd(8)} ${Math.round((r.rows * 1000) / r.ms).toString().padEnd(10)} ${String(r.batches.length).padEnd(8)} ${f1(pct(r.batches, 50)).padEnd(13)} ${f1(pct(r.batches, 99)).padEnd(13)} ${String(r.writes.length).padEnd(7)} ${f1(pct(r.writes, 50)).padEnd(13)} ${f1(pct(r.writes, 99))}`,
      );
    }
    // Per strategy: both runs pooled (rows and time summed, batch and write samples concatenated).
    const pool = (name: string) => {
      const rs = results.filter((r) => r.name === name);
      return { name: `${name} (2 runs)`, rows: rs.reduce((a, r) => a + r.rows, 0), ms: rs.reduce((a, r) => a + r.ms, 0), batches: rs.flatMap((r) => r.batches), writes: rs.flatMap((r) => r.writes) };
    };
    const b = pool("batched backfill (runner)");
    const u = pool("single UPDATE");
    for (const r of [b, u]) {
      console.log(
        `${r.name.padEnd(36)} ${String(r.rows).padEnd(9)} ${(r.ms / 1000).toFixed(2).padEnd(8)} ${Math.round((r.rows * 1000) / r.ms).toString().padEnd(10)} ${String(r.batches.length).padEnd(8)} ${f1(pct(r.batches, 50)).padEnd(13)} ${f1(pct(r.batches, 99)).padEnd(13)} ${String(r.writes.length).padEnd(7)} ${f1(pct(r.writes, 50)).padEnd(13)} ${f1(pct(r.writes, 99))}`,
      );
    }
    if (process.env.BACKFILL_BENCH_VERBOSE) console.log(`batch durations (ms, in order): ${b.batches.join(" ")}`);
    const ratio = (b.rows / b.ms) / (u.rows / u.ms);
    const ok = (v: boolean) => (v ? "ok" : "MISSED");
    console.log("");
    console.log(`ratio batched/single rows/s: ${ratio.toFixed(2)} (target ≥ 0.6: ${ok(ratio >= 0.6)})`);
    console.log(`p99 batch duration: ${f1(pct(b.batches, 99))} ms (target ≤ 500: ${ok(pct(b.batches, 99) <= 500)})`);
    console.log(`concurrent write p99 during the backfill: ${f1(pct(b.writes, 99))} ms (target ≤ 50: ${ok(pct(b.writes, 99) <= 50)}); during the single UPDATE: ${f1(pct(u.writes, 99))} ms, max ${f1(Math.max(...u.writes))} ms`);
  } finally {
    await pg.stop();
  }
}
