// Concurrent application writes during the backfill: new conformance resources, FHIR-style updates (new version
// row + old row marked history), explicit writes of partition 2 by an old app, and clinical writes. After the
// walk, the sweep above the high-water mark and the repair pass, every conformance row is in partition 1 and
// every clinical row in partition 2; nothing is lost.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applySet } from "../../schema/runner";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { CONFORMANCE, connect, fhirSet, one, seed } from "./helpers";

const N = 30_000;

/** A seeded database for one describe block, with the migration's session `s` and a writer's session `w`. */
function seededDatabase(prefix: string, rows: number) {
  let db: TestDatabase | undefined;
  let sessions: { s: DbSession; w: DbSession } | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(prefix);
    await seed(db.url, rows);
    sessions = { s: await connect(db.url), w: await connect(db.url) };
  });
  afterAll(async () => {
    await sessions?.s.close();
    await sessions?.w.close();
    await db?.drop();
  });
  return { get: () => sessions! };
}

describe("concurrent writes during the backfill", () => {
  const { get } = seededDatabase("conc", N);
  let s: DbSession;
  let w: DbSession;
  beforeAll(() => ({ s, w } = get()));

  it("ends with every conformance row in partition 1 and every other row in 2", async () => {
    const conf = (await w.query<{ id: number }>("SELECT resource_type_id AS id FROM fhir.resource_type WHERE name = ANY($1::text[])", [CONFORMANCE])).rows.map((r) => Number(r.id));
    const clin = (await w.query<{ id: number }>("SELECT resource_type_id AS id FROM fhir.resource_type WHERE NOT (name = ANY($1::text[]))", [CONFORMANCE])).rows.map((r) => Number(r.id));
    const counts = { inserts: 0, updates: 0, oldAppWrites: 0, clinical: 0 };
    let retries = 0;
    // Like an application, the writer retries a transaction chosen as a deadlock victim, a bounded number of times.
    const retrying = async (fn: () => Promise<unknown>) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await fn();
        } catch (e) {
          if ((e as { code?: string }).code !== "40P01" || attempt >= 5) throw e;
          retries++;
        }
      }
    };
    const writeOps = async (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const op = i % 4;
        const type = conf[i % conf.length];
        if (op === 0) {
          await w.query("INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource) VALUES ($1, $2, 1, false, false, '\\x01')", [type, `new-${i}`]);
          counts.inserts++;
        } else if (op === 1) {
          // FHIR update: the current version becomes history and a new version row is written (new surrogate id).
          await retrying(() => w.transaction(async (tx) => {
            const cur = await tx.query<{ rid: string; v: number }>(
              "SELECT resource_id AS rid, version AS v FROM fhir.resource WHERE resource_type_id = $1 AND NOT is_history ORDER BY resource_surrogate_id LIMIT 1 OFFSET $2 FOR UPDATE",
              [type, i],
            );
            const row = cur.rows[0];
            await tx.query("UPDATE fhir.resource SET is_history = true WHERE resource_type_id = $1 AND resource_id = $2 AND version = $3", [type, row.rid, row.v]);
            await tx.query("INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource) VALUES ($1, $2, $3, false, false, '\\x02')", [type, row.rid, row.v + 1]);
          }));
          counts.updates++;
        } else if (op === 2) {
          // An application instance not yet partition-aware rewrites a row with the default partition: below the
          // walk once it has passed that row, so only the repair pass can fix it.
          await retrying(() => w.query("UPDATE fhir.resource SET partition_id = 2, search_param_hash = 'old-app' WHERE resource_type_id = $1 AND resource_surrogate_id = (SELECT min(resource_surrogate_id) FROM fhir.resource WHERE resource_type_id = $1)", [type]));
          counts.oldAppWrites++;
        } else {
          await w.query("INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource) VALUES ($1, $2, 1, false, false, '\\x03')", [clin[i % clin.length], `clin-${i}`]);
          counts.clinical++;
        }
      }
    };
    // The backfill waits after these batches until the writer has done its share: every write happens while the
    // backfill runs, at three positions of the walk, by construction.
    const phases = new Map([[1, [0, 100]], [10, [100, 200]], [30, [200, 300]]]);
    const phasesRun: number[] = [];
    const set = fhirSet();
    const task = set.migrations[1].steps[4].backfill!;
    task.maxBatch = 50; // a long backfill: well over 30 batches
    task.initialBatch = 50;
    let backfillDone = false;
    const r = await applySet(s, set, {
      throttle: { niceRatio: 0 },
      onEvent: (e) => {
        if (e.type === "step" && e.step === "conformance-backfill" && e.state === "done") backfillDone = true;
      },
      barrier: async (at) => {
        if (at.point !== "batch" || !at.task.startsWith("conformance")) return;
        const range = phases.get(at.batches);
        if (!range) return;
        expect(backfillDone).toBe(false);
        await writeOps(range[0], range[1]);
        phasesRun.push(at.batches);
      },
    });
    expect(r.state).toBe("completed");
    expect(phasesRun).toEqual([1, 10, 30]);
    expect(counts).toEqual({ inserts: 75, updates: 75, oldAppWrites: 75, clinical: 75 });
    // The backfill waits while the writer works, so the two never contend for a row.
    expect(retries).toBe(0);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource")).toBe(N + 75 + 75 + 75);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE resource_type_id = ANY($1::int[]) AND partition_id <> 1", [conf])).toBe(0);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE resource_type_id = ANY($1::int[]) AND partition_id <> 2", [clin])).toBe(0);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE resource_type_id = ANY($1::int[]) AND resource_id LIKE 'new-%' AND partition_id = 1", [conf])).toBe(75);
    // Rows written above the high-water mark were taken by the sweep phase of the walk.
    const cps = (await s.query<{ state: string; last_key: string; high_water_key: string }>("SELECT state, last_key::text, high_water_key::text FROM sqlfleet.backfill_checkpoint")).rows;
    expect(cps.every((c) => c.state === "done")).toBe(true);
    expect(cps.some((c) => BigInt(c.last_key) > BigInt(c.high_water_key))).toBe(true);
    // Old-application writes below the walk were found and fixed by the repair pass, and the ledger says so.
    const repair = await s.query<{ detail: string }>("SELECT detail FROM sqlfleet.migration_event WHERE kind = 'repair'");
    expect(repair.rows.map((x) => Number((JSON.parse(x.detail) as { fixed: number }).fixed)).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 120_000);
});

describe("an old application writing after the final sweep", () => {
  const { get } = seededDatabase("late", 2_000);
  let s: DbSession;
  let w: DbSession;
  beforeAll(() => ({ s, w } = get()));

  it("is reported by validation with the row's key and the fix, and a re-run after the fix completes", async () => {
    const late = (await w.query<{ t: number; sid: string }>(
      `SELECT r.resource_type_id AS t, r.resource_surrogate_id::text AS sid FROM fhir.resource r
        JOIN fhir.resource_type rt USING (resource_type_id) WHERE rt.name = ANY($1::text[]) ORDER BY 2 LIMIT 1`,
      [CONFORMANCE],
    )).rows[0];
    const oldAppWrite = () => w.query("UPDATE fhir.resource SET partition_id = 2 WHERE resource_type_id = $1 AND resource_surrogate_id = $2", [late.t, late.sid]);
    // Before each validation pass (so also after the repair pass) the old application rewrites the row again.
    const failing = applySet(s, fhirSet(), {
      barrier: async (at) => {
        if (at.point === "validation") await oldAppWrite();
      },
    });
    await expect(failing).rejects.toThrow(/conformance_rows_not_in_partition_1 = 1 \(expected 0\)/);
    const message = await failing.catch((e: Error) => e.message);
    expect(message).toContain(`resource_type_id=${late.t}, resource_surrogate_id=${late.sid}`);
    expect(message).toMatch(/fix: .*not partition-aware.*re-run `sqlfleet schema apply`/);
    // The fix path: the old application is gone, the same command resumes and its validation repairs the row.
    const r = await applySet(s, fhirSet());
    expect(r.state).toBe("completed");
    expect(await one(s, "SELECT partition_id::int FROM fhir.resource WHERE resource_type_id = $1 AND resource_surrogate_id = $2", [late.t, late.sid])).toBe(1);
  }, 120_000);
});
