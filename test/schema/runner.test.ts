// Runner behaviours on a real PostgreSQL: apply, idempotence, plan, checksums, lock, pause/resume, time budget,
// baseline adoption, validation before completion, repair sweep, throttling, lock-timeout retry.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../schema/ledger";
import { planSet, setStatus } from "../../schema/plan";
import { applySet, RUNNER_LOCK_KEY, rollbackSet } from "../../schema/runner";
import type { DbSession, RunnerEvent } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fhirSet, one, seed } from "./helpers";

const N = 20_000;
const CONF = N / 10;

async function freshSeeded(n = N): Promise<{ db: TestDatabase; s: DbSession }> {
  const db = await createTestDatabase("run");
  await seed(db.url, n);
  return { db, s: await connect(db.url) };
}

describe("runner on a seeded FHIR store", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => ({ db, s } = await freshSeeded()));
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("plans without touching the database: statements, locks, row estimates, duration", async () => {
    const plan = await planSet(s, fhirSet());
    expect(plan.pendingMigrations).toBe(2);
    expect(plan.problems).toEqual([]);
    const store = plan.migrations[0];
    expect(store.steps.map((x) => x.status)).toEqual(["done", "done", "done"]); // adoptable: probes see the store
    const lw = plan.migrations[1];
    expect(lw.steps.map((x) => x.name)).toEqual([
      "partition-table",
      "partition-id-column",
      "index-ix_resource_partition_rid_ver",
      "index-ix_resource_partition_rid",
      "conformance-backfill",
      "validate",
    ]);
    const col = lw.steps[1];
    expect(col.statements[0].sql).toBe("ALTER TABLE fhir.resource ADD COLUMN IF NOT EXISTS partition_id smallint NOT NULL DEFAULT 2");
    expect(col.lock).toMatchObject({ mode: "AccessExclusive", brief: true });
    const idx = lw.steps[2];
    // Expanded per leaf: 21 type leaves + the default leaf, each built concurrently.
    expect(idx.statements.filter((x) => x.sql.startsWith("CREATE UNIQUE INDEX CONCURRENTLY"))).toHaveLength(22);
    expect(idx.statements.every((x) => x.autocommit)).toBe(true);
    const bf = lw.steps[4];
    expect(bf.rowsEstimated).toBe(CONF);
    expect(bf.estimatedMs).toBeGreaterThan(0);
    expect(await new Ledger(s).exists()).toBe(false);
  });

  it("applies, validates before completing, and records the ledger", async () => {
    const events: RunnerEvent[] = [];
    const r = await applySet(s, fhirSet(), { onEvent: (e) => events.push(e) });
    expect(r.state).toBe("completed");
    expect(r.applied).toEqual(["0001-resource-store", "0002-lightweight-partitioning"]);
    expect(r.rowsMoved).toBe(CONF);
    expect(r.validation).toMatchObject({
      conformance_rows_not_in_partition_1: 0,
      other_rows_in_partition_1: 0,
      rows_in_partition_1: CONF,
      rows_in_partition_2: N - CONF,
    });
    const states = events.filter((e) => e.type === "migration" && e.migrationId === "0002-lightweight-partitioning").map((e) => (e as { state: string }).state);
    expect(states).toEqual(["running", "backfilling", "running", "validating", "completed"]);
    expect(states.indexOf("validating")).toBeLessThan(states.indexOf("completed"));
    const st = await setStatus(s, "fhir-partitioning", fhirSet());
    expect(st.state).toBe("completed");
    expect(st.migrations.map((m) => [m.migrationId, m.state])).toEqual([
      ["0001-resource-store", "completed"],
      ["0002-lightweight-partitioning", "completed"],
    ]);
    const cps = st.checkpoints;
    expect(cps).toHaveLength(7);
    expect(cps.every((c) => c.state === "done")).toBe(true);
    expect(cps.reduce((a, c) => a + c.rowsDone, 0)).toBe(CONF);
    // Progress estimates come from catalog statistics (reltuples of each type's leaf), not from a scan.
    expect(cps.reduce((a, c) => a + c.rowsEstimated, 0)).toBe(CONF);
    expect(await one(s, "SELECT count(*)::int FROM fhir.partition")).toBe(2);
    expect(await one(s, "SELECT partition_name FROM fhir.partition WHERE partition_id = 1")).toBe("system");
    // The default is metadata-only: the column has a missing-value default on the leaves (no rewrite).
    expect(await one(s, "SELECT bool_and(atthasmissing) FROM pg_attribute WHERE attname = 'partition_id' AND attrelid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = 'fhir.resource'::regclass)")).toBe(true);
  });

  it("is idempotent: a second apply changes nothing", async () => {
    const r = await applySet(s, fhirSet());
    expect(r).toMatchObject({ state: "completed", applied: [], rowsMoved: 0 });
    const plan = await planSet(s, fhirSet());
    expect(plan.pendingMigrations).toBe(0);
    expect(plan.estimatedMs).toBe(0);
  });

  it("refuses an applied migration whose definition changed (hard error, nothing applied)", async () => {
    const changed = fhirSet({ conformanceTypes: ["ValueSet", "CodeSystem", "ConceptMap"] });
    await expect(applySet(s, changed)).rejects.toMatchObject({ kind: "checksum-mismatch" });
    await expect(applySet(s, changed)).rejects.toThrow(/0002-lightweight-partitioning" is completed with checksum .* now hashes to/);
    const plan = await planSet(s, changed);
    expect(plan.migrations[1].checksumMatches).toBe(false);
    expect(plan.problems).toHaveLength(1);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(CONF);
  });

  it("allows one runner per database", async () => {
    const other = await connect(db.url);
    try {
      expect(await other.tryLock(RUNNER_LOCK_KEY)).toBe(true);
      await expect(applySet(s, fhirSet(), { lockWaitMs: 300 })).rejects.toMatchObject({ kind: "runner-busy", message: expect.stringMatching(/another schema runner holds the lock/) });
      await other.unlock(RUNNER_LOCK_KEY);
      expect((await applySet(s, fhirSet(), { lockWaitMs: 300 })).state).toBe("completed");
    } finally {
      await other.close();
    }
  });

  it("rolls back to the pre-partitioning schema, keeping the data; a second rollback is a no-op", async () => {
    const r = await rollbackSet(s, fhirSet());
    expect(r.state).toBe("rolled_back");
    expect(r.rowsMoved).toBe(CONF); // reverse backfill, batched like the forward one
    expect(await one(s, "SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'fhir' AND column_name = 'partition_id'")).toBe(0);
    expect(await one(s, "SELECT to_regclass('fhir.partition') IS NULL")).toBe(true);
    expect(await one(s, "SELECT count(*)::int FROM pg_class WHERE relname LIKE '%\\_p\\_rid%' OR relname LIKE 'ix_resource_partition%'")).toBe(0);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource")).toBe(N);
    const st = await setStatus(s, "fhir-partitioning", fhirSet());
    expect(st.migrations.map((m) => m.state)).toEqual(["rolled_back", "rolled_back"]);
    expect(st.checkpoints).toEqual([]);
    expect(st.state).toBe("not-applied");
    expect((await rollbackSet(s, fhirSet())).applied).toEqual([]);
  });
});

describe("pause, resume and time budget", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => ({ db, s } = await freshSeeded()));
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("pauses cleanly mid-backfill and resumes from the checkpoint without double counting", async () => {
    let batches = 0;
    const set = fhirSet();
    // Small batches so the backfill spans many of them.
    set.migrations[1].steps[4].backfill!.maxBatch = 200;
    const r1 = await applySet(s, set, {
      onEvent: (e) => (e.type === "backfill" ? batches++ : undefined),
      shouldPause: () => batches >= 3,
    });
    expect(r1.state).toBe("paused");
    expect(r1.rowsMoved).toBeGreaterThan(0);
    expect(r1.rowsMoved).toBeLessThan(CONF);
    const st = await setStatus(s, "fhir-partitioning", set);
    expect(st.state).toBe("paused");
    const done1 = st.checkpoints.reduce((a, c) => a + c.rowsDone, 0);
    expect(done1).toBe(r1.rowsMoved);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(done1);
    const r2 = await applySet(s, set, { timeBudgetMs: 1 });
    expect(r2.state).toBe("paused");
    const r3 = await applySet(s, set);
    expect(r3.state).toBe("completed");
    expect(r1.rowsMoved + r2.rowsMoved + r3.rowsMoved).toBe(CONF);
    const cps = (await setStatus(s, "fhir-partitioning", set)).checkpoints;
    expect(cps.reduce((a, c) => a + c.rowsDone, 0)).toBe(CONF);
  });
});

describe("baseline adoption", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => ({ db, s } = await freshSeeded(5_000)));
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("records an already-partitioned database as baselined without running anything", async () => {
    await applySet(s, fhirSet());
    await s.query("DROP SCHEMA sqlfleet CASCADE"); // an existing database with no ledger of ours
    const events: RunnerEvent[] = [];
    const r = await applySet(s, fhirSet(), { baseline: true, onEvent: (e) => events.push(e) });
    expect(r).toMatchObject({ state: "completed", applied: [], rowsMoved: 0 });
    expect(events.filter((e) => e.type === "step" && e.state === "running")).toEqual([]);
    const st = await setStatus(s, "fhir-partitioning", fhirSet());
    expect(st.migrations.map((m) => m.state)).toEqual(["baselined", "baselined"]);
    expect(st.state).toBe("completed");
  });

  it("does not baseline a database whose data fails validation; it applies instead", async () => {
    await rollbackSet(s, fhirSet());
    await s.query("DROP SCHEMA sqlfleet CASCADE");
    await s.query("ALTER TABLE fhir.resource ADD COLUMN partition_id smallint NOT NULL DEFAULT 2"); // half-adopted
    const r = await applySet(s, fhirSet(), { baseline: true });
    expect(r.applied).toEqual(["0002-lightweight-partitioning"]);
    expect(r.rowsMoved).toBe(500);
  });
});

describe("validation gates completion; repair sweep; throttling; lock timeouts", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => ({ db, s } = await freshSeeded(10_000)));
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("fixes rows that fell below the walk with one repair pass, then completes", async () => {
    let batches = 0;
    const set = fhirSet();
    set.migrations[1].steps[4].backfill!.maxBatch = 100;
    await applySet(s, set, { onEvent: (e) => (e.type === "backfill" ? batches++ : undefined), shouldPause: () => batches >= 2 });
    // A write that committed with a key the walk had already passed (out-of-order commit).
    const moved = await s.query("UPDATE fhir.resource SET partition_id = 2 WHERE partition_id = 1 AND resource_surrogate_id = (SELECT min(resource_surrogate_id) FROM fhir.resource WHERE partition_id = 1)");
    expect(moved.rowCount).toBe(1);
    const r = await applySet(s, set);
    expect(r.state).toBe("completed");
    expect(r.validation.conformance_rows_not_in_partition_1).toBe(0);
    const ev = await new Ledger(s).events("fhir-partitioning", 100);
    expect(ev.find((e) => e.kind === "repair")?.detail).toMatchObject({ fixed: 1 });
  });

  it("marks the migration failed, not completed, when validation fails", async () => {
    await rollbackSet(s, fhirSet());
    let batches = 0;
    await applySet(s, fhirSet(), { onEvent: (e) => (e.type === "backfill" ? batches++ : undefined), shouldPause: () => batches >= 1 });
    await s.query("UPDATE fhir.resource SET partition_id = 1 WHERE resource_surrogate_id = (SELECT min(r.resource_surrogate_id) FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id) WHERE t.name = 'Patient')");
    await expect(applySet(s, fhirSet())).rejects.toMatchObject({ kind: "validation-failed" });
    await expect(applySet(s, fhirSet())).rejects.toThrow(/other_rows_in_partition_1 = 1 \(expected 0\)/);
    // The report says what the migration had changed and how to undo it.
    await expect(applySet(s, fhirSet())).rejects.toThrow(
      /Changed before the failure: 0002-lightweight-partitioning steps partition-table, partition-id-column, .*conformance-backfill; undo with `sqlfleet schema rollback --set fhir-partitioning`/,
    );
    const st = await setStatus(s, "fhir-partitioning", fhirSet());
    expect(st.migrations[1].state).toBe("failed");
    expect(st.migrations[1].error).toMatch(/validation failed/);
    await s.query("UPDATE fhir.resource SET partition_id = 2 WHERE partition_id = 1 AND resource_type_id = (SELECT resource_type_id FROM fhir.resource_type WHERE name = 'Patient')");
    expect((await applySet(s, fhirSet())).state).toBe("completed");
  });

  it("throttles while a long transaction is open, then proceeds", async () => {
    await rollbackSet(s, fhirSet());
    let batches = 0;
    await applySet(s, fhirSet(), { onEvent: (e) => (e.type === "backfill" ? batches++ : undefined), shouldPause: () => batches >= 1 });
    const other = await connect(db.url);
    await other.query("BEGIN");
    await other.query("SELECT txid_current()");
    await new Promise((r) => setTimeout(r, 200)); // older than the 50 ms threshold before the first sample
    const events: RunnerEvent[] = [];
    let released = false;
    const run = applySet(s, fhirSet(), {
      throttle: { maxLongestTransactionMs: 50, throttleSleepMs: 100 },
      onEvent: (e) => {
        events.push(e);
        if (e.type === "throttle" && !released) {
          released = true;
          void other.query("COMMIT").then(() => other.close());
        }
      },
    });
    const r = await run;
    expect(r.state).toBe("completed");
    const t = events.find((e) => e.type === "throttle");
    expect(t && t.type === "throttle" && t.reason).toMatch(/a transaction has been open \d+ ms > 50 ms/);
    expect(events.findIndex((e) => e.type === "throttle")).toBeLessThan(events.findIndex((e) => e.type === "backfill"));
  });

  it("retries DDL that hits lock_timeout behind an application lock, with backoff", async () => {
    await rollbackSet(s, fhirSet());
    const other = await connect(db.url);
    await other.query("BEGIN");
    await other.query("LOCK TABLE fhir.resource IN ACCESS SHARE MODE");
    const events: RunnerEvent[] = [];
    let released = false;
    const r = await applySet(s, fhirSet(), {
      lockTimeoutMs: 100,
      onEvent: (e) => {
        events.push(e);
        if (e.type === "retry" && !released) {
          released = true;
          setTimeout(() => void other.query("COMMIT").then(() => other.close()), 300);
        }
      },
    });
    expect(r.state).toBe("completed");
    const retry = events.find((e) => e.type === "retry");
    expect(retry).toMatchObject({ type: "retry", what: "0002-lightweight-partitioning/partition-id-column", attempt: 1 });
    expect(retry && retry.type === "retry" && retry.error).toMatch(/lock timeout/);
  });
});
