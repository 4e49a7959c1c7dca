// Contract suite for SQL Server / Azure SQL: the same runner behaviours as on PostgreSQL, against a real server.
// MSSQL_URL must point at a scratch database (mssql://user:password@host:1433/db?encrypt=false); the suite
// creates dbo.ResourceType / dbo.Resource / dbo.Partition and the sqlfleet ledger there and drops them at the end.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mssqlDialect } from "../../schema/dialects/mssql";
import { setStatus } from "../../schema/plan";
import { applySet, rollbackSet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { runActions } from "../../schema/steps";
import type { DbSession, RunnerEvent } from "../../schema/types";
import { CONFORMANCE } from "./helpers";

const URL_ = process.env.MSSQL_URL;
const N = 20_000;

async function dropAll(s: DbSession): Promise<void> {
  for (const sql of [
    "IF OBJECT_ID(N'dbo.Resource') IS NOT NULL DROP TABLE dbo.Resource",
    "IF OBJECT_ID(N'dbo.Partition') IS NOT NULL DROP TABLE dbo.Partition",
    "IF OBJECT_ID(N'dbo.ResourceType') IS NOT NULL DROP TABLE dbo.ResourceType",
    "IF EXISTS (SELECT 1 FROM sys.partition_schemes WHERE name = N'PartitionScheme_ResourceTypeId') DROP PARTITION SCHEME PartitionScheme_ResourceTypeId",
    "IF EXISTS (SELECT 1 FROM sys.partition_functions WHERE name = N'PartitionFunction_ResourceTypeId') DROP PARTITION FUNCTION PartitionFunction_ResourceTypeId",
    "IF OBJECT_ID(N'sqlfleet.migration_event') IS NOT NULL DROP TABLE sqlfleet.migration_event",
    "IF OBJECT_ID(N'sqlfleet.backfill_checkpoint') IS NOT NULL DROP TABLE sqlfleet.backfill_checkpoint",
    "IF OBJECT_ID(N'sqlfleet.migration_step') IS NOT NULL DROP TABLE sqlfleet.migration_step",
    "IF OBJECT_ID(N'sqlfleet.migration') IS NOT NULL DROP TABLE sqlfleet.migration",
    "IF SCHEMA_ID(N'sqlfleet') IS NOT NULL DROP SCHEMA sqlfleet",
  ]) {
    await s.query(sql);
  }
}

describe.skipIf(!URL_)("fhir-partitioning on SQL Server (skipped: MSSQL_URL not set, no SQL Server here)", () => {
  let s: DbSession;
  const set = buildSet("fhir-partitioning", "mssql");

  beforeAll(async () => {
    s = await mssqlDialect.connect({ engine: "mssql", url: URL_ });
    await dropAll(s);
    // An "existing FHIR database": the store, types and data, created outside the ledger.
    for (const step of set.migrations[0].steps) await runActions(s, step.up, undefined);
    const types = [...CONFORMANCE, "Patient", "Observation", "Encounter"];
    await s.query("INSERT INTO dbo.ResourceType (Name) SELECT j.value FROM OPENJSON(@p1) AS j", [JSON.stringify(types)]);
    await s.query(
      `WITH n AS (SELECT TOP (@p1) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS g FROM sys.all_columns a CROSS JOIN sys.all_columns b)
       INSERT INTO dbo.Resource (ResourceTypeId, ResourceId, Version, IsHistory, ResourceSurrogateId, IsDeleted, RawResource)
       SELECT CASE WHEN g % 10 = 0 THEN 1 + (g / 10) % 7 ELSE 8 + g % 3 END, CONCAT('r', g), 1, 0, g, 0, 0x01 FROM n`,
      [N],
    );
  }, 300_000);
  afterAll(async () => {
    if (s) {
      await dropAll(s).catch(() => undefined);
      await s.close();
    }
  });

  it("adopts the store, applies online, batches ≤ 4,000 rows, validates", async () => {
    const events: RunnerEvent[] = [];
    const r = await applySet(s, set, { onEvent: (e) => events.push(e) });
    expect(r.state).toBe("completed");
    expect(r.validation).toMatchObject({ conformance_rows_not_in_partition_1: 0, other_rows_in_partition_1: 0, rows_in_partition_1: N / 10 });
    const sizes = events.flatMap((e) => (e.type === "backfill" ? [e.batchSize] : []));
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4000);
    expect((await s.query("SELECT is_not_trusted FROM sys.foreign_keys WHERE name = N'FK_Resource_PartitionId_Partition'")).rows[0]).toEqual({ is_not_trusted: true });
  }, 300_000);

  it("is idempotent and rolls back to the pre-partitioning schema", async () => {
    expect((await applySet(s, set)).applied).toEqual([]);
    const rb = await rollbackSet(s, set);
    expect(rb.state).toBe("rolled_back");
    expect((await s.query("SELECT COL_LENGTH(N'dbo.Resource', N'PartitionId') AS c")).rows[0]).toEqual({ c: null });
    expect((await s.query("SELECT COUNT(*) AS n FROM dbo.Resource")).rows[0]).toEqual({ n: N });
    expect((await setStatus(s, set.name, set)).state).toBe("not-applied");
  }, 300_000);
});
