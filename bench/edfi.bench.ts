// Ed-Fi DMS insert benchmark (seed 004's measurement plan, DESIGN.md §9): the same InsertReferences workload
// (several concurrent clients, realistic reference batches, delete-then-insert) against the baseline schema and
// after each tuning migration, in one run on one embedded server, every phase on an identical copy of the same
// seeded database (each phase's tuning is applied once to its own template; every run clones it). Reports tps,
// rows/s, p50/p95 latency, dead tuples, autovacuum runs, index and heap size and the ratio to the baseline.
// The machine is shared, so phases run interleaved in several rounds (rotated order) and the table reports
// medians across rounds, with the spread of tps.
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../schema/embedded-pg";
import { withChecksums } from "../schema/checksum";
import { postgresDialect } from "../schema/dialects/postgres";
import { applySet } from "../schema/runner";
import { buildSet } from "../schema/sets";
import { edfiServerParameters } from "../schema/sets/edfi-dms-tuning/server-parameters";
import { createDmsShapedDatabase } from "../test/edfi/dms-fixture";
import { loadWorkloadData, nextCall, prng, seedDocuments, INSERT_REFERENCES_CALL, type WorkloadData } from "../schema/sets/edfi-dms/workload";

const DOCUMENTS = Number(process.env.EDFI_BENCH_DOCUMENTS ?? 8_000);
const REFS_PER_DOC = 5;
const CLIENTS = Number(process.env.EDFI_BENCH_CLIENTS ?? 4);
const PHASE_MS = Number(process.env.EDFI_BENCH_PHASE_MS ?? 4_000);
const ROUNDS = Number(process.env.EDFI_BENCH_ROUNDS ?? 3);
const WARMUP_MS = 1_500;
const TEMPLATE = "edfi_seed";

interface Phase {
  label: string;
  /** Options of edfi-dms-tuning, or undefined for the untouched baseline. */
  options?: Record<string, unknown>;
  /** Apply only the first n migrations of the set. */
  migrations?: number;
  /** Clone this prepared database instead of the seed (the 64-leaf rebuild is copied once, not per round). */
  template?: string;
  /** Reload the server with edfiServerParameters (those this PostgreSQL knows) for the phase. */
  serverParameters?: boolean;
  /**
   * "dms": start from the write path built as the DMS's deploy scripts build it (test/edfi/dms-fixture.ts, with
   * the application's InsertReferences) and adopted by edfi-dms, instead of sqlfleet's fresh create.
   */
  origin?: "dms";
}

const TEMPLATE_64 = "edfi_seed_64";
const TEMPLATE_DMS = "edfi_seed_dms";
const REAL_BASELINE = "real DMS shape: baseline (application's InsertReferences)";
const REAL_TUNED = "real DMS shape: tuned (0001+0002+0004)";

const PHASES: Phase[] = [
  { label: "baseline (seed 004 schema)" },
  { label: "+ autovacuum per leaf (0001)", options: {}, migrations: 1 },
  { label: "+ fillfactor 85, reindexed (0002)", options: {}, migrations: 2 },
  { label: "+ drop Reference→Document FK (0004) = tuned", options: {} },
  { label: "tuned + Alias FK deferred (0003)", options: { deferAliasFk: true } },
  { label: "tuned + server parameters", options: {}, serverParameters: true },
  { label: "tuned + AliasId (0005, online rebuild)", options: { aliasId: true } },
  { label: "tuned + 64 partitions (0006, online rebuild)", template: TEMPLATE_64 },
  { label: REAL_BASELINE, origin: "dms" },
  { label: REAL_TUNED, options: {}, origin: "dms" },
];

interface PhaseResult {
  label: string;
  calls: number;
  rows: number;
  seconds: number;
  p50: number;
  p95: number;
  deadTuples: number;
  autovacuums: number;
  indexMb: number;
  tableMb: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on("error", () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function prepareTemplate(server: EmbeddedPostgresHandle, name = TEMPLATE, origin?: "dms"): Promise<void> {
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${name}`));
  if (origin === "dms") await withClient(server.urlFor(name), (c) => createDmsShapedDatabase(c));
  const session = await postgresDialect.connect({ engine: "postgres", url: server.urlFor(name) });
  try {
    await applySet(session, buildSet("edfi-dms", "postgres"));
  } finally {
    await session.close();
  }
  await withClient(server.urlFor(name), async (c) => {
    await seedDocuments(c, { documents: DOCUMENTS, referencesPerDocument: REFS_PER_DOC });
    await c.query("VACUUM (ANALYZE)");
  });
}

/** Database name of a phase's prepared copy (tuned once; every round clones it). */
function phaseTemplate(phase: Phase, i: number): string {
  return phase.template ?? (phase.options ? `edfi_tuned_${i}` : phase.origin === "dms" ? TEMPLATE_DMS : TEMPLATE);
}

/** Clones the seed and applies the phase's tuning, once per run, so rounds only copy files. */
async function preparePhase(server: EmbeddedPostgresHandle, phase: Phase, i: number): Promise<void> {
  if (phase.template || !phase.options) return;
  const db = phaseTemplate(phase, i);
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${db} TEMPLATE ${phase.origin === "dms" ? TEMPLATE_DMS : TEMPLATE}`));
  await applyPhase(server.urlFor(db), phase);
}

async function applyPhase(url: string, phase: Phase): Promise<void> {
  if (!phase.options) return;
  const full = buildSet("edfi-dms-tuning", "postgres", phase.options);
  const set = phase.migrations ? withChecksums({ ...full, migrations: full.migrations.slice(0, phase.migrations) }) : full;
  const session = await postgresDialect.connect({ engine: "postgres", url });
  try {
    await applySet(session, set);
  } finally {
    await session.close();
  }
  await withClient(url, (c) => c.query("ANALYZE"));
}

/** One client: calls InsertReferences back to back until `until`; latencies after the warm-up only. */
async function client(url: string, data: WorkloadData, seed: number, warmUntil: number, until: number) {
  const rnd = prng(seed);
  const lat: number[] = [];
  let rows = 0;
  await withClient(url, async (c) => {
    for (;;) {
      const call = nextCall(data, rnd);
      const t0 = performance.now();
      const r = await c.query({
        name: "insert-references",
        text: INSERT_REFERENCES_CALL,
        values: [call.parentIds, call.parentKeys, call.referentialIds, call.referentialKeys],
      });
      const t1 = performance.now();
      if (r.rows.length > 0) throw new Error(`InsertReferences reported invalid ids for valid input: ${JSON.stringify(r.rows)}`);
      const now = Date.now();
      if (now >= until) break;
      if (now >= warmUntil) {
        lat.push(t1 - t0);
        rows += call.referentialIds.length;
      }
    }
  });
  return { lat, rows };
}

async function measure(server: EmbeddedPostgresHandle, phase: Phase, template: string, n: number): Promise<PhaseResult> {
  const db = `edfi_phase_${n}`;
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${db} TEMPLATE ${template}`));
  const url = server.urlFor(db);
  try {
    if (phase.serverParameters) await setServerParameters(server, true);
    const data = await withClient(url, loadWorkloadData);
    const start = Date.now();
    const warmUntil = start + WARMUP_MS;
    const until = warmUntil + PHASE_MS;
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(url, data, 1000 + i, warmUntil, until)));
    const lat = results.flatMap((r) => r.lat).sort((a, b) => a - b);
    // Client backends flush their statistics when they exit; give the stats system a moment.
    await new Promise((r) => setTimeout(r, 700));
    const stats = await withClient(url, async (c) => {
      const r = await c.query(`
        SELECT coalesce(sum(s.n_dead_tup), 0)::bigint AS dead, coalesce(sum(s.autovacuum_count), 0)::bigint AS av,
               (SELECT sum(pg_indexes_size(relid)) FROM pg_partition_tree('dms.reference') WHERE isleaf)::float8 / 1048576 AS idx_mb,
               (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('dms.reference') WHERE isleaf)::float8 / 1048576 AS tbl_mb
          FROM pg_stat_user_tables s
         WHERE s.relid IN (SELECT relid FROM pg_partition_tree('dms.reference') WHERE isleaf)`);
      return r.rows[0] as { dead: string; av: string; idx_mb: number; tbl_mb: number };
    });
    return {
      label: phase.label,
      calls: lat.length,
      rows: results.reduce((a, r) => a + r.rows, 0),
      seconds: PHASE_MS / 1000,
      p50: percentile(lat, 50),
      p95: percentile(lat, 95),
      deadTuples: Number(stats.dead),
      autovacuums: Number(stats.av),
      indexMb: stats.idx_mb,
      tableMb: stats.tbl_mb,
    };
  } finally {
    if (phase.serverParameters) await setServerParameters(server, false);
    await withClient(server.url, (c) => c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`));
  }
}

/**
 * ALTER SYSTEM + reload for the parameters this server knows and can change without a restart (the Azure-only
 * ones are skipped; autovacuum_naptime stays at the command-line value, which takes precedence).
 */
async function setServerParameters(server: EmbeddedPostgresHandle, on: boolean): Promise<void> {
  await withClient(server.url, async (c) => {
    const known = await c.query<{ name: string }>(
      "SELECT name FROM pg_settings WHERE name = ANY($1::text[]) AND context IN ('sighup', 'superuser', 'user')",
      [Object.keys(edfiServerParameters)],
    );
    for (const { name } of known.rows) {
      // Names come from pg_settings (validated identifiers); values are literals of our own settings object.
      if (on) await c.query(`ALTER SYSTEM SET ${name} = '${edfiServerParameters[name].replace(/'/g, "''")}'`);
      else await c.query(`ALTER SYSTEM RESET ${name}`);
    }
    await c.query("SELECT pg_reload_conf()");
  });
  await new Promise((r) => setTimeout(r, 300));
}

/** The seed rebuilt to 64 Reference leaves through the tuning set (online rebuild included), once per run. */
async function prepareTemplate64(server: EmbeddedPostgresHandle): Promise<void> {
  await withClient(server.url, (c) => c.query(`CREATE DATABASE ${TEMPLATE_64} TEMPLATE ${TEMPLATE}`));
  const session = await postgresDialect.connect({ engine: "postgres", url: server.urlFor(TEMPLATE_64) });
  const t0 = Date.now();
  try {
    const r = await applySet(session, buildSet("edfi-dms-tuning", "postgres", { referencePartitions: 64, allowRebuild: true }));
    console.log(`online rebuild 16 → 64 leaves: ${r.rowsMoved} rows copied in ${((Date.now() - t0) / 1000).toFixed(1)} s (plus the other tuning steps)`);
  } finally {
    await session.close();
  }
  await withClient(server.urlFor(TEMPLATE_64), async (c) => {
    await c.query("VACUUM (ANALYZE)");
    const r = await c.query(
      `SELECT (SELECT count(DISTINCT tableoid)::int FROM dms.reference) AS used,
              (SELECT count(*)::int FROM pg_partition_tree('dms.reference') WHERE isleaf) AS leaves`,
    );
    console.log(`64-leaf Reference: ${r.rows[0].used} of ${r.rows[0].leaves} leaves hold rows (partition keys are 0..15)`);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface Summary extends PhaseResult {
  tpsMin: number;
  tpsMax: number;
  /** Median over rounds of this phase's tps ÷ the baseline's tps in the same round (paired: less drift). */
  ratio: number;
  ratioMin: number;
  ratioMax: number;
}

/** Medians across rounds (latency percentiles are medians of the per-round percentiles). */
function summarise(label: string, rs: PhaseResult[], baseline: PhaseResult[]): Summary {
  const tps = rs.map((r) => r.calls / r.seconds);
  const ratios = rs.map((r, round) => r.calls / baseline[round].calls);
  return {
    label,
    calls: median(rs.map((r) => r.calls)),
    rows: median(rs.map((r) => r.rows)),
    seconds: rs[0].seconds,
    p50: median(rs.map((r) => r.p50)),
    p95: median(rs.map((r) => r.p95)),
    deadTuples: median(rs.map((r) => r.deadTuples)),
    autovacuums: median(rs.map((r) => r.autovacuums)),
    indexMb: median(rs.map((r) => r.indexMb)),
    tableMb: median(rs.map((r) => r.tableMb)),
    tpsMin: Math.min(...tps),
    tpsMax: Math.max(...tps),
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
  };
}

function printTable(results: Summary[]): void {
  const header = ["phase", "tps", "tps range", "rows/s", "p50 ms", "p95 ms", "dead tup", "autovac", "idx MB", "heap MB", "× base", "× range"];
  const rows = results.map((r) => {
    const tps = r.calls / r.seconds;
    return [
      r.label,
      tps.toFixed(0),
      `${r.tpsMin.toFixed(0)}-${r.tpsMax.toFixed(0)}`,
      (r.rows / r.seconds).toFixed(0),
      r.p50.toFixed(2),
      r.p95.toFixed(2),
      String(r.deadTuples),
      String(r.autovacuums),
      r.indexMb.toFixed(1),
      r.tableMb.toFixed(1),
      r.ratio.toFixed(2),
      `${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of rows) console.log(line(r));
}

export async function run(): Promise<void> {
  // Autovacuum wakes every 5 s (Azure's default is 60 s) so that short phases show what per-leaf scale
  // factors do in steady state; every phase runs under the same server settings.
  const server = await startEmbeddedPostgres({ settings: { autovacuum_naptime: "5s" } });
  try {
    console.log(
      `Ed-Fi DMS InsertReferences: ${DOCUMENTS} documents, ${DOCUMENTS * REFS_PER_DOC} references, ${CLIENTS} clients, ` +
        `batches of 3-12 references, ${PHASE_MS / 1000} s per phase after ${WARMUP_MS / 1000} s warm-up, ${ROUNDS} interleaved rounds, ` +
        `every run on a fresh copy of the same seeded database`,
    );
    await prepareTemplate(server);
    await prepareTemplate(server, TEMPLATE_DMS, "dms");
    await prepareTemplate64(server);
    for (let i = 0; i < PHASES.length; i++) await preparePhase(server, PHASES[i], i);
    const byPhase: PhaseResult[][] = PHASES.map(() => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < PHASES.length; k++) {
        const i = (k + round) % PHASES.length; // rotate so no phase always runs first or last
        byPhase[i].push(await measure(server, PHASES[i], phaseTemplate(PHASES[i], i), round * PHASES.length + k));
      }
    }
    const realBase = byPhase[PHASES.findIndex((p) => p.label === REAL_BASELINE)];
    const results = PHASES.map((p, i) => summarise(p.label, byPhase[i], p.origin === "dms" ? realBase : byPhase[0]));
    printTable(results);
    const tuned = results.find((r) => r.label.includes("= tuned"));
    if (tuned) {
      console.log(
        `tuned / baseline insert throughput: ${tuned.ratio.toFixed(2)}× median of ${ROUNDS} paired rounds ` +
          `(${tuned.ratioMin.toFixed(2)}-${tuned.ratioMax.toFixed(2)}; target ≥ 1.15×)`,
      );
    }
    const real = results.find((r) => r.label === REAL_TUNED);
    if (real) {
      console.log(
        `real DMS shape, tuned / the application's own InsertReferences: ${real.ratio.toFixed(2)}× median of ${ROUNDS} paired rounds ` +
          `(${real.ratioMin.toFixed(2)}-${real.ratioMax.toFixed(2)}; target ≥ 1.15×)`,
      );
    }
  } finally {
    await server.stop();
  }
}
