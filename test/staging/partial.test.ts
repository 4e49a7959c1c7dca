// Rollback of the staging strategy from partial states: paused mid-copy, and with only some leaves switched.
// Each time the very same leaves come back with the same content and every staging artefact is gone.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyStrategy, rollbackStrategy } from "../../schema/strategies";
import { swapRows } from "../../schema/strategies/staging/retire";
import type { DbSession, RunnerEvent } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, fingerprint, leafOids, one, seed, stagingSet } from "./helpers";

const N = 10_000;

async function artefacts(s: DbSession): Promise<number> {
  return one<number>(
    s,
    `SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'fhir'::regnamespace
               AND (relname LIKE '%\\_stg' OR relname LIKE '%\\_old' OR relname LIKE 'resource\\_st%' OR relname = 'resource_swap'))
          + (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'fhir'::regnamespace AND NOT t.tgisinternal)
          + (SELECT count(*) FROM pg_constraint WHERE connamespace = 'fhir'::regnamespace AND conname LIKE '%\\_chk')
          + (SELECT count(*) FROM pg_proc WHERE pronamespace = 'fhir'::regnamespace)`,
  ).then(Number);
}

describe("staging rollback from partial states", () => {
  let db: TestDatabase;
  let s: DbSession;
  let before: Awaited<ReturnType<typeof fingerprint>>;
  let oids: Record<string, number>;
  beforeEach(async () => {
    db = await createTestDatabase("stgpart");
    await seed(db.url, N);
    s = await connect(db.url);
    before = await fingerprint(s);
    oids = await leafOids(s);
  });
  afterEach(async () => {
    await s?.close();
    await db?.drop();
  });

  it("rolls back a copy paused half-way", async () => {
    let batches = 0;
    const onEvent = (e: RunnerEvent) => {
      if (e.type === "backfill" && e.task.startsWith("copy/")) batches++;
    };
    const r = await applyStrategy(s, stagingSet(200), { onEvent, shouldPause: () => batches >= 15 });
    expect(r.state).toBe("paused");
    const staged = await one<number>(s, "SELECT count(*)::int FROM fhir.resource_staging");
    expect(staged).toBeGreaterThan(0);
    expect(staged).toBeLessThan(N);
    expect((await rollbackStrategy(s, stagingSet(200))).state).toBe("rolled_back");
    expect(await leafOids(s)).toEqual(oids);
    expect(await fingerprint(s)).toEqual(before);
    expect(await artefacts(s)).toBe(0);
  });

  it("rolls back with only some leaves switched, switching those back", async () => {
    let cutoverNext = false;
    const onEvent = (e: RunnerEvent) => {
      if (e.type === "step" && e.step === "validate-staging" && e.state === "done") cutoverNext = true;
    };
    const paused = await applyStrategy(s, stagingSet(5000), { onEvent, shouldPause: () => cutoverNext });
    expect(paused.state).toBe("paused");
    // Three leaves switched by hand, as if the cutover step had been interrupted after them.
    const ids = (await s.query<{ id: number }>("SELECT swap_id AS id FROM fhir.resource_swap ORDER BY swap_id LIMIT 3")).rows.map((x) => x.id);
    for (const id of ids) await s.query("SELECT fhir.staging_cutover($1, 500, 0)", [id]);
    expect((await swapRows(s)).filter((x) => x.state === "swapped")).toHaveLength(3);
    expect(await fingerprint(s)).toEqual(before);
    expect((await rollbackStrategy(s, stagingSet(5000))).state).toBe("rolled_back");
    expect(await leafOids(s)).toEqual(oids);
    expect(await fingerprint(s)).toEqual(before);
    expect(await artefacts(s)).toBe(0);
  });
});
