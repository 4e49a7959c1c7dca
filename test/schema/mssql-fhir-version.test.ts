// Contract suite (SQL Server only): fhir-partitioning reads the FHIR server's dbo.SchemaVersion and refuses a
// version it was not checked against before creating anything of its own in the application's schema.
// MSSQL_URL must point at a scratch database; the suite creates and drops dbo.SchemaVersion and the ledger.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mssqlDialect } from "../../schema/dialects/mssql";
import { applySet } from "../../schema/runner";
import { buildSet } from "../../schema/sets";
import { SUPPORTED_FHIR_SCHEMA_VERSIONS, fhirResourceShapePrecondition, fhirSchemaVersionPrecondition } from "../../schema/sets/fhir-partitioning/fhir-server-schema";
import type { DbSession } from "../../schema/types";

const URL_ = process.env.MSSQL_URL;

async function dropAll(s: DbSession): Promise<void> {
  for (const sql of [
    "IF OBJECT_ID(N'dbo.SchemaVersion') IS NOT NULL DROP TABLE dbo.SchemaVersion",
    "IF OBJECT_ID(N'dbo.Resource') IS NOT NULL DROP TABLE dbo.Resource",
    "IF OBJECT_ID(N'sqlfleet.migration_event') IS NOT NULL DROP TABLE sqlfleet.migration_event",
    "IF OBJECT_ID(N'sqlfleet.backfill_checkpoint') IS NOT NULL DROP TABLE sqlfleet.backfill_checkpoint",
    "IF OBJECT_ID(N'sqlfleet.migration_step') IS NOT NULL DROP TABLE sqlfleet.migration_step",
    "IF OBJECT_ID(N'sqlfleet.migration') IS NOT NULL DROP TABLE sqlfleet.migration",
    "IF SCHEMA_ID(N'sqlfleet') IS NOT NULL DROP SCHEMA sqlfleet",
  ]) {
    await s.query(sql);
  }
}

/** The FHIR server's version table as its schema manager creates it (Version int PRIMARY KEY, Status varchar). */
async function schemaVersion(s: DbSession, rows: [number, string][]): Promise<void> {
  await s.query("IF OBJECT_ID(N'dbo.SchemaVersion') IS NOT NULL DROP TABLE dbo.SchemaVersion");
  await s.query("CREATE TABLE dbo.SchemaVersion (Version int NOT NULL PRIMARY KEY, Status varchar(10) NULL)");
  for (const [v, st] of rows) await s.query("INSERT INTO dbo.SchemaVersion (Version, Status) VALUES (@p1, @p2)", [v, st]);
}

/** The precondition's answer: NULL (accepted) or the refusal message. */
async function precondition(s: DbSession, p = fhirSchemaVersionPrecondition()): Promise<string | null> {
  const r = await s.query(p.sql.sql);
  const v = Object.values(r.rows[0] ?? {})[0];
  return v === null || v === undefined ? null : String(v);
}

describe.skipIf(!URL_)("fhir-partitioning reads dbo.SchemaVersion on SQL Server (skipped: MSSQL_URL not set, no SQL Server here)", () => {
  let s: DbSession;

  beforeAll(async () => {
    s = await mssqlDialect.connect({ engine: "mssql", url: URL_ });
    await s.query("IF OBJECT_ID(N'dbo.Resource') IS NOT NULL OR OBJECT_ID(N'dbo.ResourceType') IS NOT NULL THROW 50000, N'MSSQL_URL must be a scratch database without a FHIR store', 1");
    await dropAll(s);
  }, 120_000);
  afterAll(async () => {
    if (s) {
      await dropAll(s).catch(() => undefined);
      await s.close();
    }
  });

  it("passes without a FHIR schema (sqlfleet's own store) and with every supported completed version", async () => {
    expect(await precondition(s)).toBeNull();
    for (const v of SUPPORTED_FHIR_SCHEMA_VERSIONS) {
      await schemaVersion(s, [[v - 1, "completed"], [v, "completed"]]);
      expect(await precondition(s)).toBeNull();
    }
  });

  it("names the version found when it is not supported, and says when none completed", async () => {
    await schemaVersion(s, [[98, "completed"], [99, "started"]]);
    expect(await precondition(s)).toMatch(/expected a completed version in \(113, 114, 115, 116\).*found 98$/);
    await schemaVersion(s, [[117, "completed"]]);
    expect(await precondition(s)).toMatch(/found 117$/);
    await schemaVersion(s, [[116, "started"]]);
    expect(await precondition(s)).toMatch(/found none completed/);
  });

  it("refuses an unsupported version before creating anything in the application's schema", async () => {
    await schemaVersion(s, [[98, "completed"]]);
    const set = buildSet("fhir-partitioning", "mssql");
    await expect(applySet(s, set)).rejects.toMatchObject({ kind: "refused", message: expect.stringMatching(/fhir-partitioning: refused .*found 98\. Nothing was changed\./) });
    const r = await s.query("SELECT CASE WHEN OBJECT_ID(N'dbo.ResourceType') IS NULL AND OBJECT_ID(N'dbo.Resource') IS NULL AND SCHEMA_ID(N'sqlfleet') IS NULL AND NOT EXISTS (SELECT 1 FROM sys.partition_functions WHERE name = N'PartitionFunction_ResourceTypeId') THEN 1 ELSE 0 END AS untouched");
    expect(Number(Object.values(r.rows[0])[0])).toBe(1);
  });

  it("refuses a dbo.Resource of another shape (not on the partition scheme, a column missing) and leaves it as it was", async () => {
    await schemaVersion(s, [[116, "completed"]]);
    await s.query("CREATE TABLE dbo.Resource (ResourceTypeId smallint NOT NULL, ResourceSurrogateId bigint NOT NULL, ResourceId varchar(64) NOT NULL, CONSTRAINT PKC_Resource PRIMARY KEY CLUSTERED (ResourceTypeId, ResourceSurrogateId))");
    expect(await precondition(s, fhirResourceShapePrecondition())).toMatch(/^dbo\.Resource column Version: expected int, found nothing$/);
    await expect(applySet(s, buildSet("fhir-partitioning", "mssql"))).rejects.toMatchObject({ kind: "refused", message: expect.stringMatching(/dbo\.Resource column Version: expected int, found nothing/) });
    const r = await s.query("SELECT COUNT(*) AS n FROM sys.columns WHERE object_id = OBJECT_ID(N'dbo.Resource')");
    expect(Number(Object.values(r.rows[0])[0])).toBe(3);
  });
});
