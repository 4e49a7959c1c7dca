// SIGKILL of the `sqlfleet schema rollout` process mid-wave, then the same command again: 12 customer databases
// (stack files in a scratch root: 3 elastic pools + Hyperscale) on the run's embedded PostgreSQL server (started
// and stopped by its pid in the global setup; the child only connects through --url-template). The child is the
// real CLI; it is killed at a deterministic point: the 3rd backfill batch event of wave 2 on its --json stdout.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../cli/main";
import { setStatus } from "../../schema/plan";
import type { FleetEvent } from "../../schema/fleet/types";
import { runKillable, sqlfleetArgs, type ChildRun } from "../support/killable-child";
import { adminUrl } from "../support/postgres";
import { createScratchFleet, SCRATCH_ENV, type ScratchCustomer, type ScratchFleet } from "../support/scratch-fleet";
import { CONFORMANCE, connect, fhirSet, one, seed } from "../schema/helpers";

const ROOT = path.resolve(__dirname, "../..");
const SET = "fhir-partitioning";
const ROWS = 20_000; // ~2,000 conformance rows in 7 types: ≥ 7 backfill batches per database
// Sizes ascending with the index: the canary is c00, then waves of 4 (30 % of 12, rounded up) in index order. Waves 1
// and 2 each hold two gp-01 databases, so with --concurrency 3 the pool limit, not the global one, holds the second.
const POOLS = ["bc-01", "gp-01", "gp-01", "gp-02", "hyperscale", "gp-01", "gp-01", "bc-01", "hyperscale", "gp-02", "gp-02", "bc-01"];
const CUSTOMERS: ScratchCustomer[] = POOLS.map((pool, i) => ({ customer: `c${String(i).padStart(2, "0")}`, pool, sizeGb: 10 + i }));
const waveOf = (i: number) => Math.ceil(i / 4);
const CONCURRENCY = 3;

let fleet: ScratchFleet;

interface ResultLine {
  type: "result";
  state: string;
  databases: { id: string; outcome: string; wave: number }[];
}
type Json = FleetEvent | ResultLine;

const rolloutArgs = () => sqlfleetArgs(ROOT, ["schema", "rollout", SCRATCH_ENV, "--set", SET, "--root", fleet.root, "--url-template", fleet.urlTemplate, "--json", "--batch-percent", "30", "--concurrency", String(CONCURRENCY)]);
const events = (run: ChildRun): Json[] => run.lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Json);
const poolOf = (customer: string) => (CUSTOMERS.find((c) => c.customer === customer)!.pool === "hyperscale" ? `hyperscale:${customer}-fhir` : CUSTOMERS.find((c) => c.customer === customer)!.pool);

/** Max databases running at once per pool and overall, from db-start/db-end (a killed run's open ones stay open). */
function concurrency(evs: Json[]): { perPool: Map<string, number>; overall: number } {
  const running = new Map<string, number>();
  const perPool = new Map<string, number>();
  let now = 0;
  let overall = 0;
  for (const e of evs) {
    if (e.type === "db-start") {
      running.set(e.pool, (running.get(e.pool) ?? 0) + 1);
      perPool.set(e.pool, Math.max(perPool.get(e.pool) ?? 0, running.get(e.pool)!));
      overall = Math.max(overall, ++now);
    }
    if (e.type === "db-end" && e.outcome !== "skipped") {
      running.set(e.pool, running.get(e.pool)! - 1);
      now--;
    }
  }
  return { perPool, overall };
}

interface Fingerprint {
  rows: number;
  sum: string;
  conformance: number;
}

async function fingerprint(url: string): Promise<Fingerprint> {
  const s = await connect(url);
  try {
    return {
      rows: Number(await one<string>(s, "SELECT count(*)::text FROM fhir.resource")),
      sum: await one<string>(s, "SELECT md5(string_agg(resource_id || ':' || version || ':' || md5(raw_resource), ',' ORDER BY resource_id, version)) FROM fhir.resource"),
      conformance: Number(await one<string>(s, "SELECT count(*)::text FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id) WHERE t.name = ANY($1::text[])", [CONFORMANCE])),
    };
  } finally {
    await s.close();
  }
}

/** The ledger of one database, read directly: its state, and rows moved per its checkpoints vs rows in partition 1. */
async function ledgerOf(url: string): Promise<{ state: string; checkpointRows: number; inPartition1: number }> {
  const s = await connect(url);
  try {
    const st = await setStatus(s, SET, fhirSet());
    const hasColumn = (await one<boolean>(s, "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'fhir' AND table_name = 'resource' AND column_name = 'partition_id')")) === true;
    return {
      state: st.state,
      checkpointRows: st.checkpoints.filter((c) => c.direction === "forward").reduce((a, c) => a + c.rowsDone, 0),
      inPartition1: hasColumn ? Number(await one<string>(s, "SELECT count(*)::text FROM fhir.resource WHERE partition_id = 1")) : 0,
    };
  } finally {
    await s.close();
  }
}

/** `sqlfleet schema status <env> --json`, in-process through the CLI's own entry. */
async function cliStatus(): Promise<Map<string, string>> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => (out.push(String(c)), true));
  const err = vi.spyOn(console, "error").mockImplementation(() => undefined);
  let code: number;
  try {
    code = await runCli(["schema", "status", SCRATCH_ENV, "--set", SET, "--root", fleet.root, "--url-template", fleet.urlTemplate, "--json"]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  expect(code).toBe(0);
  const body = JSON.parse(out.join("")) as { databases: { id: string; state: string }[] };
  return new Map(body.databases.map((d) => [d.id.split("/")[0], d.state]));
}

describe("SIGKILL of `schema rollout` mid-wave, then a re-run (real PostgreSQL, 12 databases)", () => {
  let before: Map<string, Fingerprint>;
  beforeAll(async () => {
    fleet = await createScratchFleet(adminUrl(), CUSTOMERS, (url) => seed(url, ROWS));
    before = new Map(await Promise.all(CUSTOMERS.map(async (c) => [c.customer, await fingerprint(fleet.urlOf(c.customer))] as const)));
  }, 300_000);
  afterAll(async () => {
    await fleet?.dispose();
  });

  it("ends with every database completed and validated, no row lost or moved twice, the pool limit held across both runs, and status agreeing with the ledgers", async () => {
    // Run 1: killed at the 3rd backfill batch of wave 2 (canary and wave 1 done, wave 2 running, wave 3 not started).
    let wave2Batches = 0;
    const first = await runKillable(rolloutArgs(), ROOT, (line) => {
      if (!line.startsWith('{"at"')) return false;
      const e = JSON.parse(line) as Json;
      return e.type === "db-progress" && e.wave === 2 && e.event.type === "backfill" && ++wave2Batches === 3;
    });
    expect(first.killed, first.stderr).toBe(true);
    const run1 = events(first);
    expect(run1.some((e) => e.type === "result")).toBe(false);
    expect(run1.flatMap((e) => (e.type === "wave-start" ? [e.wave] : []))).toEqual([0, 1, 2]);

    // Between the runs: each ledger agrees with its data (a checkpoint commits with its batch) and the kill was mid-wave.
    const mid = new Map(await Promise.all(CUSTOMERS.map(async (c) => [c.customer, await ledgerOf(fleet.urlOf(c.customer))] as const)));
    for (const [c, l] of mid) expect(l.checkpointRows, c).toBe(l.inPartition1);
    CUSTOMERS.forEach((c, i) => {
      if (waveOf(i) <= 1) expect(mid.get(c.customer)!.state, c.customer).toBe("completed");
      if (waveOf(i) >= 3) expect(mid.get(c.customer)!.state, c.customer).toBe("not-applied");
    });
    const wave2 = CUSTOMERS.filter((_, i) => waveOf(i) === 2).map((c) => mid.get(c.customer)!.state);
    if (process.env.FLEET_CRASH_VERBOSE) console.log([...mid].map(([c, l]) => `${c}:${l.state}:${l.inPartition1}`).join(" "));
    expect(wave2.some((s) => s !== "completed" && s !== "not-applied"), wave2.join(",")).toBe(true);
    // `schema status` reads the same ledgers.
    expect(await cliStatus()).toEqual(new Map([...mid].map(([c, l]) => [c, l.state])));

    // Run 2: the same command resumes; completed databases are skipped after a ledger probe.
    const second = await runKillable(rolloutArgs(), ROOT, () => false);
    expect(second.code, second.stderr).toBe(0);
    const run2 = events(second);
    const result = run2.find((e): e is ResultLine => e.type === "result")!;
    expect(result.state).toBe("completed");
    for (const d of result.databases) expect(d.outcome, d.id).toBe(mid.get(d.id.split("/")[0])!.state === "completed" ? "skipped" : "completed");

    // The pool limit (1 per pool) and --concurrency held in both runs; the runs did not overlap (run 2 began after run 1 died).
    for (const run of [run1, run2]) {
      const c = concurrency(run);
      for (const [pool, max] of c.perPool) expect(max, pool).toBe(1);
      expect(c.overall).toBeLessThanOrEqual(CONCURRENCY);
    }
    const started = (evs: Json[]) => new Set(evs.flatMap((e) => (e.type === "db-start" ? [e.pool] : [])));
    expect(started(run1).size).toBeGreaterThan(1);
    for (const c of CUSTOMERS) expect([...started(run1), ...started(run2)]).toContain(poolOf(c.customer));

    // Every database: completed and validated, the same rows and bytes as before, every conformance row moved exactly once.
    const status = await cliStatus();
    for (const c of CUSTOMERS) {
      const url = fleet.urlOf(c.customer);
      const b = before.get(c.customer)!;
      const after = await fingerprint(url);
      expect(after, c.customer).toEqual(b);
      const l = await ledgerOf(url);
      expect(l, c.customer).toEqual({ state: "completed", checkpointRows: b.conformance, inPartition1: b.conformance });
      expect(status.get(c.customer), c.customer).toBe("completed");
      const s = await connect(url);
      try {
        const st = await setStatus(s, SET, fhirSet());
        expect(st.migrations.map((m) => m.state), c.customer).toEqual(["completed", "completed"]);
        expect(st.checkpoints.every((cp) => cp.state === "done"), c.customer).toBe(true);
        expect(await one(s, "SELECT count(*)::int FROM sqlfleet.migration_event WHERE set_name = $1 AND kind = 'validated'", [SET]), c.customer).toBeGreaterThanOrEqual(1);
        expect(await one(s, "SELECT count(*)::int FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id) WHERE (t.name = ANY($1::text[])) <> (r.partition_id = 1)", [CONFORMANCE]), c.customer).toBe(0);
      } finally {
        await s.close();
      }
    }
  }, 600_000);
});
