// The staging strategy on a real PostgreSQL: the cutover keeps every row (per-type counts and content checksums
// computed independently), ends in the same schema as the incremental strategy, and rollback after the cutover
// restores the very same old leaves, including writes made after the cutover.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ledger } from "../../schema/ledger";
import { applyStrategy, rollbackStrategy } from "../../schema/strategies";
import { dropRetiredLeaves, swapRows } from "../../schema/strategies/staging/retire";
import type { DbSession, RunnerEvent } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { CONFORMANCE, connect, fingerprint, leafOids, one, seed, stagingSet } from "./helpers";

const N = 20_000;

describe("staging strategy: apply, cutover, rollback", () => {
  let db: TestDatabase;
  let s: DbSession;
  let before: Awaited<ReturnType<typeof fingerprint>>;
  let oids: Record<string, number>;
  beforeAll(async () => {
    db = await createTestDatabase("stg");
    await seed(db.url, N);
    s = await connect(db.url);
    before = await fingerprint(s);
    oids = await leafOids(s);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("copies, validates and switches every leaf; no row lost or changed", async () => {
    const events: RunnerEvent[] = [];
    const r = await applyStrategy(s, stagingSet(2000), { onEvent: (e) => events.push(e) });
    expect(r.state).toBe("completed");
    expect(r.applied).toEqual(["0001-resource-store", "0002-lightweight-partitioning-staging"]);
    expect(r.validation).toMatchObject({ leaves_with_count_or_checksum_mismatch: 0, staged_conformance_rows_not_in_partition_1: 0, leaves_not_switched: 0 });
    expect(await fingerprint(s)).toEqual(before);
    // Every leaf is a new relation now (the staged copy) and the old one is retired under <leaf>_old.
    const after = await leafOids(s);
    expect(Object.keys(after)).toEqual(Object.keys(oids));
    for (const k of Object.keys(oids)) expect(after[k]).not.toBe(oids[k]);
    const swaps = await swapRows(s);
    expect(swaps).toHaveLength(Object.keys(oids).length);
    expect(swaps.every((x) => x.state === "swapped" && (x.lockMs ?? -1) >= 0)).toBe(true);
    expect(await one<number>(s, "SELECT count(*)::int FROM fhir.resource WHERE partition_id = 1")).toBe(N / 10);
    expect(
      await one<number>(
        s,
        "SELECT count(*)::int FROM fhir.resource r JOIN fhir.resource_type t USING (resource_type_id) WHERE (t.name = ANY($1)) <> (r.partition_id = 1)",
        [CONFORMANCE],
      ),
    ).toBe(0);
    // Same end state as the incremental strategy: both partition-aware parent indexes exist and are valid.
    expect(
      await one<number>(s, "SELECT count(*)::int FROM pg_index WHERE indisvalid AND indexrelid IN (to_regclass('fhir.ix_resource_partition_rid_ver'), to_regclass('fhir.ix_resource_partition_rid'))"),
    ).toBe(2);
    const copied = events.filter((e) => e.type === "backfill" && e.task.startsWith("copy/"));
    expect(copied.length).toBeGreaterThan(10);
  });

  it("rolls back after the cutover: the same old leaves return, with the writes made since the cutover", async () => {
    // A write after the cutover: it must survive the switch back (mirrored into the retired leaf).
    await s.query(
      `INSERT INTO fhir.resource (resource_type_id, resource_id, version, is_history, is_deleted, raw_resource)
       SELECT resource_type_id, 'after-cutover', 1, false, false, '\\x01'::bytea FROM fhir.resource_type WHERE name = 'Patient'`,
    );
    await s.query("DELETE FROM fhir.resource WHERE resource_id = 'r11'");
    const expected = await fingerprint(s);
    const r = await rollbackStrategy(s, stagingSet(2000));
    expect(r.state).toBe("rolled_back");
    expect(await leafOids(s)).toEqual(oids);
    expect(await fingerprint(s)).toEqual(expected);
    expect(await one<number>(s, "SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'fhir' AND table_name = 'resource' AND column_name = 'partition_id'")).toBe(0);
    expect(await one<number>(s, "SELECT count(*)::int FROM pg_class WHERE relnamespace = 'fhir'::regnamespace AND (relname LIKE '%\\_stg' OR relname LIKE '%\\_old' OR relname LIKE 'resource_st%' OR relname = 'resource_swap')")).toBe(0);
    expect(await one<number>(s, "SELECT count(*)::int FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'fhir'::regnamespace AND NOT t.tgisinternal")).toBe(0);
    const states = (await new Ledger(s).migrations("fhir-partitioning")).map((m) => m.state);
    expect(states).toEqual(["rolled_back", "rolled_back"]);
  });

  it("re-applies after a rollback, then refuses rollback once the retired leaves are dropped", async () => {
    expect((await applyStrategy(s, stagingSet(5000))).state).toBe("completed");
    const dropped = await dropRetiredLeaves(s);
    expect(dropped.dropped.length).toBe(Object.keys(oids).length);
    expect(dropped.freedBytes).toBeGreaterThan(0);
    await expect(rollbackStrategy(s, stagingSet(5000))).rejects.toThrow(/rollback refused: the old data of .*resource_t\d+.* was dropped/);
    expect((await swapRows(s)).every((x) => x.state === "dropped")).toBe(true);
  });
});
