// The strategy planner: pure estimates from statistics (concrete numbers from the rates table), the
// recommendation rules, and statistics read from a real PostgreSQL store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateIncremental, estimateStaging, NEW_INDEX_RATIO, planStrategies } from "../../schema/strategies/planner/estimate";
import { RATES } from "../../schema/strategies/planner/rates";
import { readPostgresStats } from "../../schema/strategies/planner/stats";
import type { LeafStats, TableStats } from "../../schema/strategies/planner/types";
import type { DbSession } from "../../schema/types";
import { createTestDatabase, type TestDatabase } from "../support/postgres";
import { CONFORMANCE, connect, seed } from "./helpers";

const GiB = 1024 ** 3;

function leaf(name: string, rows: number, conformance: boolean, bytesPerRow = 1000): LeafStats {
  return { leaf: name, resourceType: name, rows, conformanceRows: conformance ? rows : 0, heapBytes: rows * bytesPerRow, indexBytes: rows * 150, toastBytes: 0 };
}

/** 10 M rows: 9 clinical leaves of 1 M, one conformance leaf of 1 M (10%). */
function fhirLike(freeBytes?: number, conformanceLeaves = 1): TableStats {
  const leaves = Array.from({ length: 10 }, (_, i) => leaf(`resource_t${i + 1}`, 1_000_000, i < conformanceLeaves));
  return { engine: "postgres", table: "fhir.resource", leaves, databaseBytes: 12 * GiB, freeBytes, rowsSource: "test" };
}

describe("strategy planner: estimates", () => {
  const r = RATES.postgres;

  it("estimates incremental from index builds over all rows plus an in-place backfill of the conformance rows", () => {
    const e = estimateIncremental(fhirLike(100 * GiB));
    const phase = Object.fromEntries(e.phases.map((p) => [p.phase, p.ms]));
    expect(phase["2 partition-aware indexes, online"]).toBe(Math.round((2 * 10_000_000 * 1000) / r.indexBuild.value));
    expect(phase["backfill conformance rows in place"]).toBe(Math.round((1_000_000 * 1000) / r.updateBackfill.value));
    // New indexes (2/3 of the existing 1.5 GB) + the updated rows' old versions (1 GB heap + 150 MB index).
    expect(e.extraBytes).toBe(Math.round(1_500_000_000 * NEW_INDEX_RATIO + 1_000_000_000 + 150_000_000));
    expect(e.longestBlockingMs).toBe(r.batchTarget.value);
    expect(e.lockWindows.find((l) => l.operation === "online index build")?.blocksWrites).toBe(false);
    expect(e.feasible).toBe(true);
  });

  it("estimates staging from a full copy, two hashing scans and one short exclusive lock per leaf", () => {
    const e = estimateStaging(fhirLike(100 * GiB));
    const phase = Object.fromEntries(e.phases.map((p) => [p.phase, p.ms]));
    expect(phase["copy every row into staging"]).toBe(Math.round((10_000_000 * 1000) / r.stagingCopy.value));
    expect(phase["cutover, partition by partition"]).toBe(10 * r.cutoverPerLeaf.value);
    // The whole table once more (10 GB heap + 1.5 GB indexes) plus the new indexes.
    expect(e.extraBytes).toBe(Math.round(10_000_000_000 + 1_500_000_000 + 1_500_000_000 * NEW_INDEX_RATIO));
    const cut = e.lockWindows.find((l) => l.operation.startsWith("cutover"))!;
    expect(cut).toMatchObject({ mode: "AccessExclusive", count: 10, blocksWrites: true });
    // Leaves above verifyUnderLockMaxRows are not re-hashed under the lock: the window is the catalog work only.
    expect(cut.ms).toBe(r.cutoverPerLeaf.value);
  });

  it("adds the re-hash of small leaves to the cutover window", () => {
    const stats = fhirLike(100 * GiB);
    stats.leaves.push(leaf("resource_small", 4_000, false));
    const cut = estimateStaging(stats).lockWindows.find((l) => l.operation.startsWith("cutover"))!;
    expect(cut.ms).toBe(r.cutoverPerLeaf.value + 2 * Math.round((4_000 * 1000) / r.hashScan.value));
  });
});

describe("strategy planner: recommendation", () => {
  it("recommends incremental for a typical store (10% conformance) and says why", () => {
    const p = planStrategies(fhirLike(100 * GiB));
    expect(p.recommended).toBe("incremental");
    expect(p.chosen).toBe("incremental");
    expect(p.reasons[0]).toBe("incremental moves only the 1000000 conformance rows (10% of 10000000) in place; staging copies all 10000000 rows");
  });

  it("refuses staging when the copy does not fit the free storage", () => {
    const p = planStrategies(fhirLike(5 * GiB), "auto");
    expect(p.estimates[1].feasible).toBe(false);
    expect(p.recommended).toBe("incremental");
    expect(p.reasons[0]).toMatch(/^staging is not feasible: staging \(a full second copy\) needs 11\.6 GiB extra but only 5\.0 GiB is free$/);
  });

  it("recommends staging when most rows would be rewritten in place anyway", () => {
    const p = planStrategies(fhirLike(100 * GiB, 7));
    expect(p.recommended).toBe("staging");
    expect(p.reasons[0]).toMatch(/^70% of the rows would be updated in place/);
  });

  it("forcing a strategy keeps the planner's pick visible and warns when it cannot fit", () => {
    const p = planStrategies(fhirLike(5 * GiB), "staging");
    expect(p.chosen).toBe("staging");
    expect(p.recommended).toBe("incremental");
    expect(p.reasons[0]).toBe("warning: the forced strategy staging is not feasible with the known free storage");
    expect(p.reasons[1]).toBe("forced: --strategy staging (the planner would pick incremental)");
  });

  it("flags unknown free storage as a risk of both strategies", () => {
    const p = planStrategies(fhirLike(undefined));
    expect(p.estimates.map((e) => e.risks[0].level)).toEqual(["medium", "medium"]);
    expect(p.estimates.every((e) => e.feasible)).toBe(true);
  });

  it("on SQL Server stages only the conformance partitions and adds the index builds SWITCH cannot avoid", () => {
    const stats = { ...fhirLike(100 * GiB), engine: "mssql" as const, table: "dbo.Resource" };
    const stg = estimateStaging(stats);
    const m = RATES.mssql;
    expect(stg.phases.map((p) => [p.phase, p.ms])).toEqual([
      ["new indexes on dbo.Resource (SWITCH needs identical indexes)", Math.round((2 * 10_000_000 * 1000) / m.indexBuild.value)],
      ["setup (staging tables, sync trigger, CHECKs)", 2 * m.catalogDdl.value],
      ["validate leaf CHECKs (non-blocking scan)", 0],
      ["copy conformance rows into staging", Math.round((1_000_000 * 1000) / m.stagingCopy.value)],
      ["validate counts + content checksums", 2 * Math.round((1_000_000 * 1000) / m.hashScan.value)],
      ["cutover, partition by partition", m.cutoverPerLeaf.value],
    ]);
    // The conformance partition once more (1 GB + 150 MB × 5/3) + the new indexes on dbo.Resource (1.5 GB × 2/3).
    expect(stg.extraBytes).toBe(Math.round(1_000_000_000 + 150_000_000 * (1 + NEW_INDEX_RATIO) + 1_500_000_000 * NEW_INDEX_RATIO));
    expect(stg.risks.some((x) => x.level === "high" && x.text.includes("identical indexes"))).toBe(true);
    expect(planStrategies(stats).recommended).toBe("incremental");
  });
});

describe("strategy planner: statistics from a real PostgreSQL store", () => {
  let db: TestDatabase;
  let s: DbSession;
  beforeAll(async () => {
    db = await createTestDatabase("stgplan");
    await seed(db.url, 20_000);
    s = await connect(db.url);
  });
  afterAll(async () => {
    await s?.close();
    await db?.drop();
  });

  it("reads rows and bytes per resource type, conformance rows and index sizes", async () => {
    const st = await readPostgresStats(s, CONFORMANCE, 10 * GiB);
    // 21 type leaves + the default leaf.
    expect(st.leaves).toHaveLength(22);
    expect(st.leaves.reduce((a, l) => a + l.rows, 0)).toBe(20_000);
    expect(st.leaves.reduce((a, l) => a + l.conformanceRows, 0)).toBe(2_000);
    const vs = st.leaves.find((l) => l.resourceType === "ValueSet")!;
    expect(vs.conformanceRows).toBe(vs.rows);
    expect(st.leaves.find((l) => l.resourceType === "Patient")!.conformanceRows).toBe(0);
    expect(st.leaves.every((l) => l.heapBytes > 0 || l.rows === 0)).toBe(true);
    expect(st.leaves.find((l) => l.resourceType === "Patient")!.indexBytes).toBeGreaterThan(0);
    expect(st.freeBytes).toBe(10 * GiB);
    const plan = planStrategies(st);
    expect(plan.recommended).toBe("incremental");
  });

  it("fails clearly on a database without the resource store", async () => {
    const empty = await createTestDatabase("stgplan0");
    const e = await connect(empty.url);
    try {
      await expect(readPostgresStats(e, CONFORMANCE)).rejects.toThrow("strategy planner: fhir.resource / fhir.resource_type do not exist");
    } finally {
      await e.close();
      await empty.drop();
    }
  });
});
