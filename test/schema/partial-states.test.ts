// Rollback is idempotent from any partial state: stop apply after every step boundary (and mid-backfill), roll
// back, and check the database is exactly the pre-partitioning schema with its data; then an interrupted
// concurrent index build (an INVALID leaf index) is repaired by apply and removed by rollback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStatus } from "../../schema/plan";
import { applySet, rollbackSet } from "../../schema/runner";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fhirSet, one, seed } from "./helpers";

const N = 5_000;

async function assertPrePartitioning(s: DbSession): Promise<void> {
  expect(await one(s, "SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'fhir' AND column_name = 'partition_id'")).toBe(0);
  expect(await one(s, "SELECT to_regclass('fhir.partition') IS NULL")).toBe(true);
  expect(await one(s, "SELECT count(*)::int FROM pg_class WHERE relname LIKE '%\\_p\\_rid%' OR relname LIKE 'ix_resource_partition%'")).toBe(0);
  expect(await one(s, "SELECT count(*)::int FROM fhir.resource")).toBe(N);
  // The original unique indexes of the store are untouched.
  expect(await one(s, "SELECT count(*)::int FROM pg_index WHERE indexrelid IN ('fhir.ix_resource_type_rid_version'::regclass, 'fhir.ix_resource_type_rid'::regclass) AND indisvalid")).toBe(2);
}

describe("rollback from any partial state", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => {
    db = await createTestDatabase("partial");
    await seed(db.url, N);
    s = await connect(db.url);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  // 0..4 = after that many steps of 0002 completed; 5 = mid-backfill (after two batches).
  for (const stopAt of [0, 1, 2, 3, 4, 5]) {
    it(`stops after ${stopAt === 5 ? "two backfill batches" : `${stopAt} step(s)`}, rolls back cleanly, twice`, async () => {
      let doneSteps = 0;
      let batches = 0;
      const set = fhirSet();
      set.migrations[1].steps[4].backfill!.maxBatch = 100;
      const r = await applySet(s, set, {
        onEvent: (e) => {
          if (e.type === "step" && e.migrationId === "0002-lightweight-partitioning" && e.state === "done") doneSteps++;
          if (e.type === "backfill") batches++;
        },
        shouldPause: () => (stopAt === 5 ? batches >= 2 : doneSteps >= stopAt),
      });
      expect(r.state).toBe("paused");
      if (stopAt === 5) expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBeGreaterThan(0);
      await rollbackSet(s, set);
      await assertPrePartitioning(s);
      const again = await rollbackSet(s, set);
      expect(again.applied).toEqual([]);
      await assertPrePartitioning(s);
      expect((await setStatus(s, set.name, set)).state).toBe("not-applied");
    });
  }

  it("repairs an INVALID leaf index left by an interrupted concurrent build, and rollback removes it", async () => {
    const leaf = String(await one(s, "SELECT 'resource_t' || resource_type_id FROM fhir.resource_type WHERE name = 'Patient'"));
    const set = fhirSet();
    let doneSteps = 0;
    await applySet(s, set, {
      onEvent: (e) => (e.type === "step" && e.state === "done" && e.migrationId === "0002-lightweight-partitioning" ? doneSteps++ : undefined),
      shouldPause: () => doneSteps >= 2,
    });
    // A concurrent build that failed half-way leaves an INVALID index under the name the step uses.
    await expect(s.query(`CREATE UNIQUE INDEX CONCURRENTLY ${leaf}_p_rid_ver ON fhir.${leaf} (is_history)`)).rejects.toThrow(/could not create unique index/);
    expect(await one(s, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'fhir.${leaf}_p_rid_ver'::regclass`)).toBe(false);
    const r = await applySet(s, set);
    expect(r.state).toBe("completed");
    expect(await one(s, `SELECT indisvalid FROM pg_index WHERE indexrelid = 'fhir.${leaf}_p_rid_ver'::regclass`)).toBe(true);
    expect(await one(s, `SELECT pg_get_indexdef('fhir.${leaf}_p_rid_ver'::regclass)`)).toContain("(partition_id, resource_type_id, resource_id, version)");
    await rollbackSet(s, set);
    await s.query(`CREATE UNIQUE INDEX CONCURRENTLY ${leaf}_p_rid_ver ON fhir.${leaf} (resource_surrogate_id)`); // a stray leftover
    await rollbackSet(s, set); // nothing left in the ledger to roll back: the leftover stays visible to the next apply
    const r2 = await applySet(s, set);
    expect(r2.state).toBe("completed");
    await rollbackSet(s, set);
    await assertPrePartitioning(s);
  });
});
