// Crash safety: SIGKILL the runner process at random points (during DDL, index builds and the backfill), at
// least 10 times, checking after every kill that the ledger agrees with the data (checkpoint rows_done = rows
// in partition 1: the checkpoint commits with its batch), then resume to completion: validation passes, no row
// lost, none moved twice.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setStatus } from "../../schema/plan";
import type { DbSession } from "../../schema/types";
import { KillableChild } from "../support/killable-child";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fhirSet, one, seed } from "./helpers";

const N = 50_000;
const CONF = N / 10;
const ROOT = path.resolve(__dirname, "../..");
const CHILD = new KillableChild(path.join(__dirname, "fixtures/apply-child.ts"), ROOT);

/** Runs the child; kills it with SIGKILL when `killWhen(line, count)` first returns true. */
const runChild = (url: string, killWhen: (line: string, count: number) => boolean) => CHILD.run([url, "60"], killWhen);

async function assertLedgerMatchesData(s: DbSession): Promise<number> {
  const st = await setStatus(s, "fhir-partitioning");
  const done = st.checkpoints.filter((c) => c.direction === "forward").reduce((a, c) => a + c.rowsDone, 0);
  const inOne = (await one<number | null>(s, "SELECT CASE WHEN to_regclass('fhir.partition') IS NULL THEN 0 ELSE 1 END")) === 1
    ? await one<number>(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1").catch(() => 0)
    : 0;
  expect(done).toBe(inOne);
  // At most one unfinished migration (the ledger's partial unique index), never two.
  expect(st.migrations.filter((m) => !["completed", "rolled_back", "baselined"].includes(m.state)).length).toBeLessThanOrEqual(1);
  return done;
}

describe("crash safety: SIGKILL during apply, then resume", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => {
    CHILD.bundle();
    db = await createTestDatabase("crash");
    await seed(db.url, N);
    s = await connect(db.url);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
    CHILD.dispose();
  });

  it("survives ≥ 10 kills at random points with a consistent ledger and exact final counts", async () => {
    // Deterministic "random" kill points (a seeded LCG), so a failure reproduces.
    let seedState = 20261125;
    const rand = (n: number) => ((seedState = (seedState * 1103515245 + 12345) % 2 ** 31), seedState % n);
    const kills: string[] = [];
    // Two early kills during DDL/index steps, then kills at random backfill batches.
    const plans: ((line: string, count: number) => boolean)[] = [
      (l) => l.includes('"step":"partition-id-column","state":"running"'),
      (l) => l.includes('"step":"index-ix_resource_partition_rid","state":"running"'),
    ];
    let progress = 0;
    for (let k = 0; k < 10; k++) {
      const after = 1 + rand(6);
      plans.push((l) => l.includes('"type":"backfill"') && ++progress >= after);
    }
    for (const killWhen of plans) {
      progress = 0;
      const run = await runChild(db.url, killWhen);
      if (!run.killed) {
        // The run finished before the kill point: that is fine only if it completed.
        expect(run.code, run.stderr).toBe(0);
        break;
      }
      kills.push(run.lines[run.lines.length - 1]?.slice(0, 80) ?? "");
      await assertLedgerMatchesData(s);
    }
    expect(kills.length).toBeGreaterThanOrEqual(10);
    expect(kills.filter((k) => k.startsWith('{"type":"backfill"')).length).toBeGreaterThanOrEqual(8);
    const fin = await runChild(db.url, () => false);
    expect(fin.code, fin.stderr).toBe(0);
    expect(fin.lines.at(-1)).toBe(JSON.stringify({ type: "result", state: "completed" }));
    expect(await assertLedgerMatchesData(s)).toBe(CONF);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource")).toBe(N);
    expect(await one(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(CONF);
    expect(
      await one(s, "SELECT count(*)::int FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id) WHERE (t.name = ANY($1::text[])) <> (r.partition_id = 1)", [fhirSet().options.conformanceTypes]),
    ).toBe(0);
    const st = await setStatus(s, "fhir-partitioning", fhirSet());
    expect(st.state).toBe("completed");
    expect(st.checkpoints.every((c) => c.state === "done")).toBe(true);
  }, 180_000);
});
