// How `sqlfleet schema … --strategy` picks the set: the planner under "auto", a forced strategy, and the ledger's
// record of the strategy a database is on (status/rollback without --strategy follow it; switching is refused).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildSet } from "../../schema/sets";
import { applyStrategy } from "../../schema/strategies";
import { chooseStrategySet, strategyPlanOf } from "../../schema/strategies/cli";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { connect, seed } from "./helpers";

describe("choosing the strategy for a database", () => {
  let db: TestDatabase;
  let s: DbSession;
  const base = buildSet("fhir-partitioning", "postgres");
  beforeAll(async () => {
    db = await createTestDatabase("stgchoose");
    await seed(db.url, 5_000);
    s = await connect(db.url);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("auto: the planner recommends from the database's statistics and the plan is kept for printing", async () => {
    const set = await chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "auto", freeStorageGb: "2" });
    const plan = strategyPlanOf(set)!;
    expect(plan.mode).toBe("auto");
    expect(plan.recommended).toBe("incremental");
    expect(set.migrations.map((m) => m.id)).toEqual(["0001-resource-store", "0002-lightweight-partitioning"]);
    expect(plan.stats.freeBytes).toBe(2 * 1024 ** 3);
    expect(plan.stats.leaves.reduce((a, l) => a + l.rows, 0)).toBe(5_000);
  });

  it("forced staging builds the staging migration; bad values are named", async () => {
    const set = await chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "staging" });
    expect(set.migrations[1].id).toBe("0002-lightweight-partitioning-staging");
    expect(set.options).toMatchObject({ strategy: "staging", cutoverLockTimeoutMs: 500, verifyUnderLockMaxRows: 5000 });
    await expect(chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "fast" })).rejects.toThrow('--strategy "fast" is not allowed; allowed: auto, incremental, staging');
    await expect(chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "auto", freeStorageGb: "-1" })).rejects.toThrow(
      '--free-storage-gb must be a number from 0 to 1000000; got "-1"',
    );
    await expect(
      chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "staging", options: '{"cutoverLockTimeoutMs": 5}' }),
    ).rejects.toThrow("option cutoverLockTimeoutMs must be an integer from 50 to 60000; got 5");
  });

  it("follows the ledger once a strategy is applied, and refuses to switch", async () => {
    const staged = await chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "staging" });
    expect((await applyStrategy(s, staged)).state).toBe("completed");
    const implicit = await chooseStrategySet(s, base, { set: "fhir-partitioning" });
    expect(implicit.checksum).toBe(staged.checksum);
    const auto = await chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "auto" });
    expect(auto.checksum).toBe(staged.checksum);
    expect(strategyPlanOf(auto)!.reasons[0]).toBe("the ledger shows --strategy staging already applied or in progress here: continuing with it");
    await expect(chooseStrategySet(s, base, { set: "fhir-partitioning", strategy: "incremental" })).rejects.toThrow(
      "fhir-partitioning: this database is on --strategy staging (see the ledger); roll it back before switching to incremental",
    );
  });
});
