// Contract suite for the staging strategy on SQL Server / Azure SQL: twin tables, sync trigger, the backfill
// executor's key-range copy, the one-statement comparison, SWITCH cutover and switch back, and the explicit drop.
// MSSQL_URL must point at a scratch database; the suite creates and drops dbo.Resource and friends there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBackfill } from "../../schema/backfill";
import { mssqlDialect } from "../../schema/dialects/mssql";
import { Ledger } from "../../schema/ledger";
import { buildSet } from "../../schema/sets";
import { runActions } from "../../schema/steps";
import { CopySession } from "../../schema/strategies/staging/copy-session";
import {
  MSSQL_COMPARE,
  MSSQL_COPY_BATCH,
  MSSQL_REGISTER_TYPES,
  mssqlCutover,
  mssqlDropRetired,
  mssqlSetupBatches,
  mssqlSwitchBack,
  SQLFLEET_STORE_INDEXES,
} from "../../schema/strategies/staging/mssql";
import type { DbSession } from "../../schema/types";
import { CONFORMANCE } from "./helpers";

const URL_ = process.env.MSSQL_URL;
const N = 20_000;
const MARKER = "PartitionId = PartitionId /* staging copy */";

async function dropAll(s: DbSession): Promise<void> {
  for (const sql of [
    "IF OBJECT_ID(N'dbo.Resource_StagingSync') IS NOT NULL DROP TRIGGER dbo.Resource_StagingSync",
    "IF OBJECT_ID(N'dbo.Resource_Staging') IS NOT NULL DROP TABLE dbo.Resource_Staging",
    "IF OBJECT_ID(N'dbo.Resource_Retired') IS NOT NULL DROP TABLE dbo.Resource_Retired",
    "IF OBJECT_ID(N'dbo.ResourceStagingType') IS NOT NULL DROP TABLE dbo.ResourceStagingType",
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

async function num(s: DbSession, sql: string, params: (string | number)[] = []): Promise<number> {
  const r = await s.query(sql, params);
  return Number(Object.values(r.rows[0] ?? {})[0]);
}

describe.skipIf(!URL_)("staging strategy on SQL Server (skipped: MSSQL_URL not set, no SQL Server here)", () => {
  let s: DbSession;
  const set = buildSet("fhir-partitioning", "mssql");
  let typeIds: number[] = [];

  beforeAll(async () => {
    s = await mssqlDialect.connect({ engine: "mssql", url: URL_ });
    await dropAll(s);
    for (const step of set.migrations[0].steps) await runActions(s, step.up, undefined);
    const types = [...CONFORMANCE, "Patient", "Observation", "Encounter"];
    await s.query("INSERT INTO dbo.ResourceType (Name) SELECT j.value FROM OPENJSON(@p1) AS j", [JSON.stringify(types)]);
    await s.query(
      `WITH n AS (SELECT TOP (@p1) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS g FROM sys.all_columns a CROSS JOIN sys.all_columns b)
       INSERT INTO dbo.Resource (ResourceTypeId, ResourceId, Version, IsHistory, ResourceSurrogateId, IsDeleted, RawResource)
       SELECT CASE WHEN g % 10 = 0 THEN 1 + (g / 10) % 7 ELSE 8 + g % 3 END, CONCAT('r', g), 1, 0, g, 0, 0x01 FROM n`,
      [N],
    );
    // PartitionId and the partition-aware indexes on dbo.Resource first (SWITCH needs identical tables).
    for (const step of set.migrations[1].steps.filter((x) => x.kind === "ddl" || x.kind === "index")) await runActions(s, step.up, undefined);
    for (const b of mssqlSetupBatches(SQLFLEET_STORE_INDEXES)) await s.query(b);
    await s.query(MSSQL_REGISTER_TYPES, [JSON.stringify(CONFORMANCE)]);
    typeIds = (await s.query<{ id: number }>("SELECT ResourceTypeId AS id FROM dbo.ResourceStagingType ORDER BY 1")).rows.map((r) => Number(r.id));
  }, 300_000);

  afterAll(async () => {
    if (s) await dropAll(s);
    await s?.close();
  });

  it("copies the conformance partitions with the executor while writes continue, then they compare equal", async () => {
    const ledger = new Ledger(s);
    await ledger.ensure();
    const copy = new CopySession(s, MARKER, MSSQL_COPY_BATCH);
    const task = {
      name: "copy",
      table: "dbo.Resource",
      scopeColumn: "ResourceTypeId",
      keyColumn: "ResourceSurrogateId",
      scopes: { sql: "SELECT ResourceTypeId AS scope_value, CAST(ResourceTypeId AS varchar(10)) AS scope_label FROM dbo.ResourceStagingType WHERE State = 'staged'" },
      set: MARKER,
      pending: "1 = 1",
    };
    const out = await runBackfill({ session: copy, ledger: new Ledger(copy), setName: "fhir-partitioning", migrationId: "staging", task, direction: "forward", opts: {} });
    expect(out.status).toBe("done");
    expect(out.rowsMoved).toBe(N / 10);
    // A write after the copy reaches staging through the trigger.
    await s.query("UPDATE dbo.Resource SET SearchParamHash = 'x' WHERE ResourceTypeId = @p1 AND ResourceSurrogateId = 10", [typeIds[0]]);
    for (const id of typeIds) {
      const r = (await s.query<Record<string, number>>(MSSQL_COMPARE, [id])).rows[0];
      expect(Number(r.old_rows)).toBe(Number(r.new_rows));
      expect(Number(r.old_hash)).toBe(Number(r.new_hash));
      expect(Number(r.wrong_partition)).toBe(0);
    }
  });

  it("switches each conformance partition in, and back, keeping every row", async () => {
    for (const id of typeIds) await s.query(mssqlCutover(500), [id]);
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource")).toBe(N);
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource WHERE PartitionId = 1")).toBe(N / 10);
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource_Retired")).toBe(N / 10);
    for (const id of typeIds) await s.query(mssqlSwitchBack(500), [id]);
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource")).toBe(N);
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource WHERE PartitionId = 1")).toBe(0);
  });

  it("drops a retired partition only by the explicit step", async () => {
    await s.query("UPDATE dbo.ResourceStagingType SET State = 'staged'");
    await s.query(mssqlCutover(500), [typeIds[0]]);
    const p = await num(s, "SELECT $PARTITION.PartitionFunction_ResourceTypeId(@p1)", [typeIds[0]]);
    await s.query(mssqlDropRetired(p));
    expect(await num(s, "SELECT COUNT(*) FROM dbo.Resource_Retired WHERE ResourceTypeId = @p1", [typeIds[0]])).toBe(0);
    await expect(s.query(mssqlSwitchBack(500), [typeIds[0]])).rejects.toThrow(/not in the expected state/);
  });
});
